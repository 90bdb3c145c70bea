"""Grammar-constrained sampling for ``llama-cpp-python`` that checks the likely tokens first.

``llama-cpp-python`` puts llama.cpp's grammar sampler in front of top-k, so every generated token
runs the grammar over the whole vocabulary (151,936 pieces for Qwen2.5): decoding under our
citation grammar fell from 16.8 to 10.6 tokens/s. llama.cpp's own ``common_sampler`` avoids that
cost by trying the likely tokens first; this module does the same inside the sampler chain: a
stage that runs the grammar over the ``top`` most likely tokens only, keeps those it allows, and
falls back to the whole vocabulary only when none of them is allowed (e.g. when the grammar is
complete and only end-of-text is left). The tokens kept are the same the full check would keep
among them, so the text sampled is the same whenever the sampler would have picked among them.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

#: how many of the most likely tokens are checked before the whole vocabulary
TOP = 128


class GrammarStage:
    """A llama.cpp sampler (apply + accept) that masks every token the grammar does not allow,
    checking the ``top`` most likely tokens first."""

    def __init__(self, vocab: Any, grammar: str, top: int = TOP):
        import llama_cpp

        self._low = llama_cpp
        self.grammar = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
        if not self.grammar:
            raise ValueError("llama.cpp could not parse the grammar")
        self.top = top
        self.full_checks = 0
        self.checks = 0
        self._small = (llama_cpp.llama_token_data * top)()
        self._small_view = np.ctypeslib.as_array(self._small)

        def apply(_smpl: Any, cur_p: Any) -> None:
            self._apply(cur_p.contents)

        def accept(_smpl: Any, token: int) -> None:
            llama_cpp.llama_sampler_accept(self.grammar, token)

        iface = llama_cpp.llama_sampler_i()
        iface.apply = llama_cpp.llama_sampler_i_apply(apply)
        iface.accept = llama_cpp.llama_sampler_i_accept(accept)
        iface.name = llama_cpp.llama_sampler_i_name(0)
        iface.reset = llama_cpp.llama_sampler_i_reset(0)
        iface.clone = llama_cpp.llama_sampler_i_clone(0)
        iface.free = llama_cpp.llama_sampler_i_free(0)
        self._callbacks = (apply, accept, iface)
        self.sampler = llama_cpp.llama_sampler()
        self.sampler.iface = ctypes.pointer(iface)
        self.sampler.ctx = None

    def _apply(self, cur: Any) -> None:
        self.checks += 1
        n = int(cur.size)
        if n <= self.top:
            self._low.llama_sampler_apply(self.grammar, ctypes.byref(cur))
            return
        view = np.ctypeslib.as_array(cur.data, shape=(n,))
        logits = view["logit"]
        top = np.argpartition(logits, n - self.top)[n - self.top :]
        small = self._small_view
        small["id"] = view["id"][top]
        small["logit"] = logits[top]
        small["p"] = 0.0
        arr = self._low.llama_token_data_array(
            data=ctypes.cast(self._small, self._low.llama_token_data_p),
            size=self.top,
            selected=-1,
            sorted=False,
        )
        self._low.llama_sampler_apply(self.grammar, ctypes.byref(arr))
        allowed = np.isfinite(small["logit"])
        if not allowed.any():
            # none of the likely tokens fits: the whole vocabulary, as llama.cpp does
            self.full_checks += 1
            self._low.llama_sampler_apply(self.grammar, ctypes.byref(cur))
            return
        keep = top[allowed]
        kept = logits[keep].copy()
        logits[:] = -np.inf
        logits[keep] = kept

    def close(self) -> None:
        """Free the grammar (the stage itself is owned by Python)."""
        if self.grammar:
            self._low.llama_sampler_free(self.grammar)
            self.grammar = None


def init_sampler(llama: Any, gbnf: str, stages: list[GrammarStage] | None = None, **kw: Any) -> Any:
    """``Llama._init_sampler`` with the grammar ``gbnf`` checked by a :class:`GrammarStage` in
    the place llama-cpp-python puts its own grammar sampler (after the penalties, before top-k).
    The stage is appended to ``stages`` (for its counts)."""
    from llama_cpp import _internals

    sampler = _internals.LlamaSampler()
    sampler.add_penalties(
        n_vocab=llama._n_vocab,
        penalty_last_n=llama.last_n_tokens_size,
        penalty_repeat=kw.get("repeat_penalty", 1.0),
        penalty_freq=kw.get("frequency_penalty", 0.0),
        penalty_present=kw.get("presence_penalty", 0.0),
    )
    stage = GrammarStage(llama._model.vocab, gbnf)
    low = stage._low
    low.llama_sampler_chain_add(sampler.sampler, ctypes.pointer(stage.sampler))
    # llama.cpp must not free a Python-owned stage: the chain removes it before it is freed
    sampler.custom_samplers.append((low.llama_sampler_chain_n(sampler.sampler) - 1, stage))
    sampler._exit_stack.callback(stage.close)
    if stages is not None:
        stages.append(stage)
    temp = kw.get("temp", 0.8)
    if temp < 0.0:
        sampler.add_dist(llama._seed)
    elif temp == 0.0:
        sampler.add_greedy()
    else:
        sampler.add_top_k(kw.get("top_k", 40))
        sampler.add_typical(kw.get("typical_p", 1.0), 1)
        sampler.add_top_p(kw.get("top_p", 0.95), 1)
        sampler.add_min_p(kw.get("min_p", 0.05), 1)
        sampler.add_temp(temp)
        sampler.add_dist(llama._seed)
    return sampler
