"""Briefs with the default model: time per brief and share of supported sentences, on 10 topics.

    .venv/bin/python benchmarks/brief_quality.py [--template brief] [--topics 10] [--k 8]

Each topic is drafted with the ``brief.id`` template (evidence read once into a fact sheet;
Ketentuan Kunci and Data dan Tren written from it, 5 sections by the model under the citation
grammar, Dasar Hukum from metadata; templates with per-section evidence get ``k`` per section)
on the 49 regulations (the index cached by
``retrieval_quality.py`` in ``benchmarks/.cache/regs``; built on first use, ~17 minutes) with the
default chat model (llamacpp, Qwen2.5-Coder-1.5B Q4_K_M, temperature and seed from the
defaults), ``k`` evidence chunks per section (8) and the BPS-style province table
(``../shared/data/stats_bps/tidy_province_indicators.csv``) as statistics cards. Reported per
brief: total seconds, time to the first words on screen (the first streamed text, model or
fact sheet) and to the model's first token, prompt tokens sent and read (not reused from the
KV cache), output tokens, decode tokens/s, sentences and their verdicts, model sentences left
out because their facts do not support them (``draft.model_sentences = "verified"``) and
sections asked a second time, empty sections (and those besides Data dan Tren),
markers that point nowhere, and the share of words in model sentences that are neither in the
corpus nor in PySastrawi's dictionary (:class:`pipeline.text.words.Vocabulary`); overall:
medians, shares, the CPU model and peak RSS. Results: ``results/brief_quality.json``; the briefs in
``results/briefs/``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import cpu_model  # noqa: E402

from pipeline.draft import draft_brief, load_template  # noqa: E402
from pipeline.index import Index  # noqa: E402
from pipeline.settings import load_settings  # noqa: E402
from pipeline.text.markers import extract_markers  # noqa: E402
from pipeline.text.words import Vocabulary  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"

TOPICS = [
    "Disiplin pegawai negeri sipil dan sanksi bagi yang tidak masuk kerja",
    "Keterbukaan informasi publik di badan publik daerah",
    "Pembagian urusan pemerintahan antara pemerintah pusat dan daerah",
    "Perlindungan data pribadi dan kewajiban pengendali data",
    "Standar pelayanan publik dan pengaduan masyarakat",
    "Pengelolaan arsip statis dan akses publik terhadap arsip",
    "Dana alokasi umum dalam hubungan keuangan pusat dan daerah",
    "Netralitas pegawai ASN dalam partai politik",
    "Penyelenggaraan statistik oleh BPS dan kewajiban responden",
    "Pembentukan peraturan perundang-undangan dan hierarkinya",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--template", default="brief")
    parser.add_argument("--topics", type=int, default=len(TOPICS))
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "brief_quality.json"
    )
    args = parser.parse_args()
    settings = load_settings(
        index={"root": str(CACHE)},
        draft={"k": args.k, "runs_dir": str(ROOT / "benchmarks" / "results" / "briefs")},
    )
    index = Index.open("regs", settings, create=True)
    if index.info().get("counts", {}).get("documents", 0) == 0:
        index.add([args.shared / "regulations_id" / "md"])
    from pipeline.stats import cards_from_files

    table = args.shared / "stats_bps" / "tidy_province_indicators.csv"
    cards = cards_from_files([table], settings.stats).cards if table.exists() else []

    from pipeline.llm import get_chat_model

    model = get_chat_model(settings.llm)
    t_load = time.perf_counter()
    model.count_tokens("muat")  # loads the model once, outside the per-brief timings
    load_s = time.perf_counter() - t_load

    tpl = load_template(args.template, "id", settings)
    if tpl.evidence == "section":  # k evidence chunks per section (shared: draft.k per query)
        tpl = replace(tpl, sections=tuple(replace(s, k=args.k) for s in tpl.sections))
    vocabulary = Vocabulary(index.document_text(d["doc_id"]) for d in index.documents())
    runs = []
    for topic in TOPICS[: args.topics]:
        start = time.perf_counter()
        first_words: list[float] = []

        def on_event(event, start=start, first_words=first_words) -> None:
            if event.kind == "token" and not first_words:
                first_words.append(time.perf_counter() - start)

        result = draft_brief(
            topic,
            index,
            settings=settings,
            template=tpl,
            model=model,
            cards=cards,
            on_event=on_event,
        )
        total = time.perf_counter() - start
        sections = [s for s in result.audit["sections"] if "messages" in s]
        brief = result.brief
        refs = {r.n for r in brief.references}
        model_sentences = [
            st.text
            for sec in brief.sections
            if sec.kind in ("llm", "summary")
            for st in sec.sentences
        ]
        unknown, words = vocabulary.unknown_share(model_sentences)
        prompt_tokens = sum(s["prompt_tokens"] for s in sections)
        output_tokens = sum(s["output_tokens"] for s in sections)
        llm_seconds = sum(s["seconds"] for s in sections)
        decode = [
            (s["output_tokens"] - 1) / (s["seconds"] - s["ttft_s"])
            for s in sections
            if s["ttft_s"] is not None and s["seconds"] > s["ttft_s"] and s["output_tokens"] > 1
        ]
        summary = result.brief.summary
        row = {
            "topic": topic,
            "total_s": round(total, 1),
            "llm_s": round(llm_seconds, 1),
            "first_words_s": round(first_words[0], 2) if first_words else None,
            "first_token_s": sections[0]["ttft_s"] if sections else None,
            "sections_drafted": len(sections),
            "evidence_per_section": [len(s["evidence"]) for s in sections],
            "prompt_tokens": prompt_tokens,
            "prompt_tokens_read": result.audit.get("prompt_tokens", {}).get("read"),
            "output_tokens": output_tokens,
            "decode_tokens_per_s": round(statistics.median(decode), 2) if decode else None,
            "sentences": summary.sentences,
            "supported": summary.supported,
            "weak": summary.weak,
            "unsupported": summary.unsupported,
            "left_out": summary.left_out,
            "second_answers": sum(bool(s.get("second_answer")) for s in sections),
            "attributed": sum(
                st.attributed for sec in result.brief.sections for st in sec.sentences
            ),
            "empty_sections": [
                sec.key for sec in brief.sections if sec.kind != "legal_basis" and not sec.sentences
            ],
            "sentences_by_section": {
                sec.key: len(sec.sentences) for sec in brief.sections if sec.kind != "legal_basis"
            },
            "dangling_markers": sum(
                n not in refs
                for sec in brief.sections
                for st in sec.sentences
                for n in extract_markers(st.text)
            ),
            "model_words": words,
            "unknown_words": unknown,
            "unknown_examples": sorted({w for t in model_sentences for w in vocabulary.unknown(t)})[
                :10
            ],
            "legal_basis": [i.citation for sec in result.brief.sections for i in sec.legal_basis],
            "problems": summary.problems,
            "run_dir": result.brief.run_dir,
        }
        runs.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    sentences = sum(r["sentences"] for r in runs)
    supported = sum(r["supported"] for r in runs)
    result = {
        "template": args.template,
        "k": args.k,
        "model": model.model_id,
        "model_load_s": round(load_s, 2),
        "briefs": len(runs),
        "median_total_s": statistics.median(r["total_s"] for r in runs),
        "max_total_s": max(r["total_s"] for r in runs),
        "median_first_words_s": statistics.median(
            r["first_words_s"] for r in runs if r["first_words_s"] is not None
        ),
        "median_first_token_s": statistics.median(
            r["first_token_s"] for r in runs if r["first_token_s"] is not None
        ),
        "median_prompt_tokens": statistics.median(r["prompt_tokens"] for r in runs),
        "median_prompt_tokens_read": statistics.median(
            r["prompt_tokens_read"] for r in runs if r["prompt_tokens_read"] is not None
        )
        if any(r["prompt_tokens_read"] is not None for r in runs)
        else None,
        "median_sentences": statistics.median(r["sentences"] for r in runs),
        "briefs_with_empty_sections": sum(bool(r["empty_sections"]) for r in runs),
        # Data dan Tren when no statistics table in the index matches the topic: said so
        "briefs_with_an_empty_section_besides_data": sum(
            bool(set(r["empty_sections"]) - {"data"}) for r in runs
        ),
        "left_out": sum(r["left_out"] for r in runs),
        "second_answers": sum(r["second_answers"] for r in runs),
        "dangling_markers": sum(r["dangling_markers"] for r in runs),
        "unknown_word_share": round(
            sum(r["unknown_words"] for r in runs) / max(1, sum(r["model_words"] for r in runs)), 4
        ),
        "median_output_tokens": statistics.median(r["output_tokens"] for r in runs),
        "median_decode_tokens_per_s": statistics.median(
            r["decode_tokens_per_s"] for r in runs if r["decode_tokens_per_s"]
        ),
        "sentences": sentences,
        "supported": supported,
        "supported_share": round(supported / sentences, 4) if sentences else None,
        "weak": sum(r["weak"] for r in runs),
        "unsupported": sum(r["unsupported"] for r in runs),
        "attributed": sum(r["attributed"] for r in runs),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpu": cpu_model(),
        "cpu_count": __import__("os").cpu_count(),
        "machine": platform.machine(),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
