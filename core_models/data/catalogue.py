"""The downloader's catalogue: public corpora and vectors at their official URLs, each file with
the sha256 and size it must have, and where those values were published.

A file whose publisher replaces it over time (manythings.org's Tatoeba exports grow every few
months) has no fixed hash to pin: its entry says so (``hash_known`` is False), it is checked by a
minimum size and its content, and the downloader logs the sha256 of the copy it got.
"""

from __future__ import annotations

from dataclasses import dataclass

# Content a file must start with, by suffix: a captive portal's web page or an error page saved
# under the file's name is caught on the first chunk.
MAGIC = {".zip": b"PK\x03\x04", ".gz": b"\x1f\x8b"}


@dataclass(frozen=True)
class RemoteFile:
    """One file at ``url``: pinned by ``sha256`` and ``size`` when it never changes; always
    checked against ``min_size`` and, by its suffix, its content."""

    url: str
    size: int | None = None
    sha256: str | None = None
    min_size: int = 1

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[1]

    @property
    def hash_known(self) -> bool:
        return self.sha256 is not None

    @property
    def magic(self) -> bytes | None:
        """The bytes the file starts with (None: any)."""
        suffix = "." + self.filename.rsplit(".", 1)[-1]
        return MAGIC.get(suffix)


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    license: str
    files: tuple[RemoteFile, ...]


_MANYTHINGS = "https://www.manythings.org/anki"

# Multi30k task 1, raw: sha256 and size of each file at multi30k/dataset's master (commit a3d2e0d,
# data/task1/raw/), the files raw.githubusercontent.com serves. The same files' md5 sums are the
# ones torchtext pinned (pytorch/text, torchtext/experimental/datasets/raw/multi30k.py, MD5): all
# twelve match.
_MULTI30K = "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw"
_MULTI30K_PINS = {
    "train.en.gz": (568_929, "d79cfa999dd4c51d2cb42499b6796d5a882c3a8a961923c25a898c90f8bbd56f"),
    "train.de.gz": (637_044, "726e39b2fa9eb9ffb6dc763fb35a179f80fae06ffc5d28b6ace5faa883de28a6"),
    "train.fr.gz": (604_242, "622e75069e9f4c577425c4f277116ce66e63a2401c0a2312d90073cb12379a3c"),
    "train.cs.gz": (593_827, "a65adb8b32e3bc664f21ecba7a6e7f6950fd1f405e135f7c312faabdb6255077"),
    "val.en.gz": (21_650, "14f7d25ddd868909a9213e361768460edcacdd6ab9d1e77b92560dc10c10dc28"),
    "val.de.gz": (24_681, "f0cba2f995189cf5770f29a8a9a537a3ad3f51657ad873405082ff6863a5e75a"),
    "val.fr.gz": (23_001, "ca3106f1a72390591d25f6c45cb4cd39dec4cd3f123e099748a3ce5256c160e9"),
    "val.cs.gz": (22_096, "b63226e05c4bd5dd6a42897d74b86a1b9d2c31498252c572b1ea7f7996927fcc"),
    "test_2016_flickr.en.gz": (
        21_077,
        "611d361c6334bc7246101d48097c13cf5c4413c5befc793cc629934359d532d9",
    ),
    "test_2016_flickr.de.gz": (
        22_890,
        "9204244e408ccb38d2a55cfcd344df15005fc42a07a6e55ca6c52b6ababb8cc8",
    ),
    "test_2016_flickr.fr.gz": (
        22_310,
        "6d326e188d259fb1d04ac19eae3af956559b3a0b93d7635e56c90987c40c8b90",
    ),
    "test_2016_flickr.cs.gz": (
        22_572,
        "200a4a74cc9560f051924abb9803be008d1908d77f747e9141aeb86dfd2797f1",
    ),
}

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (
        Dataset(
            "fra-eng",
            "English-French sentence pairs from Tatoeba (manythings.org), as in d2l.ai: fra.txt",
            "CC-BY 2.0 (France); attribution kept per pair",
            # No hash: manythings.org replaces the file as Tatoeba grows.
            (RemoteFile(f"{_MANYTHINGS}/fra-eng.zip", min_size=1_000_000),),
        ),
        Dataset(
            "cmn-eng",
            "English-Chinese (Mandarin) sentence pairs from Tatoeba (manythings.org): cmn.txt",
            "CC-BY 2.0 (France); attribution kept per pair",
            # No hash: manythings.org replaces the file as Tatoeba grows.
            (RemoteFile(f"{_MANYTHINGS}/cmn-eng.zip", min_size=100_000),),
        ),
        Dataset(
            "snli",
            "Stanford Natural Language Inference 1.0: 570k premise/hypothesis pairs",
            "CC BY-SA 4.0",
            # tensorflow/datasets, tensorflow_datasets/url_checksums/snli.txt (size, sha256);
            # the same sha256 in facebookresearch/ParlAI, parlai/tasks/snli/build.py.
            (
                RemoteFile(
                    "https://nlp.stanford.edu/projects/snli/snli_1.0.zip",
                    size=94_550_081,
                    sha256="afb3d70a5af5d8de0d9d81e2637e0fb8c22d1235c2749d83125ca43dab0dbd3e",
                ),
            ),
        ),
        Dataset(
            "multinli",
            "Multi-Genre NLI 1.0: 433k pairs, matched and mismatched dev sets",
            "mostly OANC (free); see the MultiNLI paper's data statement",
            # tensorflow/datasets, tensorflow_datasets/url_checksums/multi_nli.txt (this URL,
            # size, sha256); the same sha256 in ParlAI, parlai/tasks/multinli/build.py.
            (
                RemoteFile(
                    "https://cims.nyu.edu/~sbowman/multinli/multinli_1.0.zip",
                    size=226_850_426,
                    sha256="049f507b9e36b1fcb756cfd5aeb3b7a0cfcb84bf023793652987f7e7e0957822",
                ),
            ),
        ),
        Dataset(
            "multi30k",
            "Multi30k task 1: image captions in English, German, French, Czech (29k train)",
            "research use; Flickr30k terms",
            tuple(
                RemoteFile(f"{_MULTI30K}/{name}", size=size, sha256=sha256)
                for name, (size, sha256) in _MULTI30K_PINS.items()
            ),
        ),
        Dataset(
            "glove.6B",
            "GloVe 6B word vectors (Wikipedia 2014 + Gigaword 5): 400k words, 50-300 dims, 822 MB",
            "PDDL 1.0",
            # sha256: pytorch/text, torchtext/experimental/checksums_glove.json (also Keras and
            # pooch examples); size: the Content-Length public wget logs of this URL record, and
            # the size public download scripts check (maybe_download(..., 862182613)).
            (
                RemoteFile(
                    "https://nlp.stanford.edu/data/glove.6B.zip",
                    size=862_182_613,
                    sha256="617afb2fe6cbd085c235baf7a465b96f4112bd7f7ccb2b2cbd649fed9cbcf2fb",
                ),
            ),
        ),
    )
}


def get_dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise ValueError(f"unknown dataset '{name}'; choose one of {', '.join(DATASETS)}")
    return DATASETS[name]
