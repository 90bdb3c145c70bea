"""The notes a brief prints (Indonesian and English): empty sections, the problems found, and
how Dasar Hukum names a law with its amendments."""

from __future__ import annotations

__all__ = ["NOTES"]


NOTES = {
    "id": {
        "no_evidence": "Tidak ada bukti di indeks untuk bagian ini; bagian ini tidak ditulis.",
        "no_sentences": "Model tidak menghasilkan kalimat yang dapat dipakai untuk bagian ini.",
        "no_figures": "Indeks tidak memuat data statistik yang cocok dengan topik ini; tambahkan "
        "tabel statistik (--stats) atau sebut wilayahnya (--region).",
        "no_regulation": "Tidak ada peraturan yang dikutip dalam kertas ini.",
        "revoked": "{n} kalimat mengutip peraturan yang sudah dicabut",
        "number": "{n} kalimat memuat angka yang tidak cocok dengan sumbernya",
        "uncited": "{n} kalimat tanpa kutipan yang sah",
        "low": "{n} kalimat kurang didukung oleh sumbernya",
        "instruction": "{n} kalimat bersandar pada teks yang memberi perintah (kemungkinan injeksi)",
        "reference": "{n} kalimat menyebut peraturan atau pasal yang berbeda dari sumbernya",
        "dropped": "{n} kalimat tidak didukung dihapus dari teks (tetap tercatat di audit)",
        "left_out": "{n} kalimat model tidak dimuat karena tidak didukung fakta yang dikutipnya "
        "(tercatat di audit.json)",
        "amended_once": "sebagaimana telah diubah dengan {last}",
        "amended_more": "sebagaimana telah beberapa kali diubah, terakhir dengan {last}",
    },
    "en": {
        "no_evidence": "The index holds no evidence for this section; it was not drafted.",
        "no_sentences": "The model produced no usable sentence for this section.",
        "no_figures": "The index holds no statistics that match this topic; add statistics "
        "tables (--stats) or name the region (--region).",
        "no_regulation": "The brief cites no regulation.",
        "revoked": "{n} sentence(s) cite a revoked regulation",
        "number": "{n} sentence(s) hold a figure that does not match the source",
        "uncited": "{n} sentence(s) without a valid citation",
        "low": "{n} sentence(s) weakly supported by their sources",
        "instruction": "{n} sentence(s) rest on text that gives orders (possible injection)",
        "reference": "{n} sentence(s) name a regulation or article other than the source's",
        "dropped": "{n} unsupported sentence(s) left out of the text (kept in the audit)",
        "left_out": "{n} model sentence(s) left out while drafting: the facts they cite do not "
        "support them (in audit.json)",
        "amended_once": "as amended by {last}",
        "amended_more": "as amended several times, most recently by {last}",
    },
}
