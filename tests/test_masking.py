"""The knowledge-masked view of an item (qbank show --masked): the test-wise probe."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cli import cli
from toolkit.masking import common_words, mask

from .conftest import TmpBank, item_data

COMMON = common_words(["the team uses a model and each job which is not in the plan; use it"])


def test_product_names_share_one_token_across_stem_and_options() -> None:
    stem = "A team trains in Vertex AI Pipelines and stores features in BigQuery.\n\nWhich?"
    opts = ["Use BigQuery ML with ML.PREDICT", "Use Vertex AI Pipelines", "Use Cloud Storage"]
    m = mask([stem, *opts], COMMON)
    joined = "\n".join(m.texts)
    for term in ("Vertex", "BigQuery", "ML.PREDICT", "Cloud Storage", "Pipelines"):
        assert term not in joined
    tok = {v: k for k, v in m.terms.items()}
    assert tok["Vertex AI Pipelines"] in m.texts[0] and tok["Vertex AI Pipelines"] in m.texts[2]
    assert m.texts[0].startswith("A team trains in [T1]")  # "A" begins a sentence: kept
    assert m.texts[0].endswith("Which?")


def test_emphasis_choose_numbers_and_plain_hyphenated_words_stay_readable() -> None:
    stem = "Which TWO settings are NOT needed for a 28-day, on-demand job on 12,000 rows? (Choose two.)"
    (out,) = mask([stem], COMMON).texts
    for kept in ("NOT", "(Choose two.)", "28-day", "on-demand", "12,000", "Which"):
        assert kept in out
    assert "TWO" in out


def test_code_identifiers_masked_ordinary_words_in_code_kept() -> None:
    m = mask(["Run `Model.upload(parent_model=model, is_default_version=False)` now"], COMMON)
    (out,) = m.texts
    assert "parent_model" not in out and "Model.upload" not in out and "False" not in out
    assert "=model" in out  # "model" is an ordinary word of the bank
    assert out.count("`") == 2


def test_names_seen_only_in_code_are_not_ordinary_words() -> None:
    common = common_words(["install `cloudml-hypertune` and report with `hypertune`", "the team"])
    assert "hypertune" not in common and "team" in common
    (out,) = mask(["Report the metric with `cloudml-hypertune` as the team does"], common).texts
    assert "hypertune" not in out and "cloudml" not in out and "the team" in out


def test_flags_machine_types_and_acronyms_are_terms() -> None:
    (out,) = mask(["Set --max-replica-count on n1-standard-4 with an A100 and CMEK"], COMMON).texts
    for term in ("--max-replica-count", "n1-standard-4", "A100", "CMEK"):
        assert term not in out


def test_mask_is_deterministic_and_tokens_are_numbered_in_order() -> None:
    texts = ["Dataflow reads Pub/Sub", "Dataflow", "Pub/Sub then Dataflow"]
    assert mask(texts, COMMON) == mask(texts, COMMON)
    assert list(mask(texts, COMMON).terms) == ["[T1]", "[T2]"]


NAMES = st.sampled_from(["BigQuery", "Vertex AI Feature Store", "Dataproc", "TensorFlow", "GKE"])
FILLER = st.lists(st.sampled_from(["the", "team", "uses", "a", "model", "and", "each", "job"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(FILLER, NAMES), min_size=1, max_size=6), st.text(max_size=80))
def test_inserted_product_names_never_survive_and_any_text_masks(parts, noise) -> None:
    text = " ".join(" ".join(f) + " " + n for f, n in parts)
    (out,) = mask([text], COMMON).texts
    for _, name in parts:
        assert name not in out
    mask([noise, text], COMMON)  # arbitrary text never raises


def test_show_masked_hides_key_rationales_and_products(tmp_bank: TmpBank) -> None:
    data = item_data("PMLE-0101")
    data["options"][1]["text"] = "Run CREATE MODEL with ARIMA_PLUS in BigQuery ML"
    tmp_bank.write(data)
    res = CliRunner().invoke(cli, ["show", "--bank", str(tmp_bank.root), "PMLE-0101", "--masked"])
    assert res.exit_code == 0, res.output
    assert "ARIMA_PLUS" not in res.output and "BigQuery" not in res.output
    assert "*" not in res.output and "Key:" not in res.output and "explained" not in res.output
    assert "B. Run [T" in res.output


def test_acronyms_in_hyphenated_words_and_at_references_are_terms() -> None:
    stem = "Copies go host-to-GPU and the client calls model@production on a GPU-bound 28-day job."
    (out,) = mask([stem], COMMON).texts
    for term in ("GPU", "model@production", "production"):
        assert term not in out
    assert "28-day" in out and "client calls" in out


def test_sentence_initial_hyphenated_ordinary_word_reads_as_elsewhere() -> None:
    common = common_words(["a job with training-serving skew and drift on the data"])
    stem = "The job has training-serving skew detection.\n\nWhich finding?"
    opt = "Training-serving skew alerts fire on `price` in Vertex AI Model Monitoring."
    m = mask([stem, opt], common)
    assert "training-serving" in m.texts[0]
    assert m.texts[1].startswith("Training-serving skew alerts")
    assert "Vertex" not in m.texts[1] and "price" not in m.texts[1]
    # a hyphenated word with a part the bank never uses in lower case is still a term
    (out,) = mask(["Kubeflow-native pipelines run here."], common).texts
    assert out.startswith("[T1]")


def test_a_term_is_masked_at_a_sentence_start_too_and_connectors_join_names_only() -> None:
    common = common_words(["an edge model runs in the region with the registry"])
    stem = "The team exports an Edge model from Vertex AI.\n\nWhich?"
    opts = ["Edge models export to TF Lite.", "Deploy in europe-west4 with Model Registry."]
    m = mask([stem, *opts], common)
    tok = {v: k for k, v in m.terms.items()}
    assert m.texts[1].startswith(tok["Edge"] + " models")  # same token as in the stem
    assert m.texts[0].startswith("The team")  # an ordinary word never masked stays
    assert "europe-west4" in tok and "Model Registry" in tok
    assert f"{tok['europe-west4']} with {tok['Model Registry']}" in m.texts[2]


def test_code_keywords_and_option_labels_do_not_mask_sentence_starts() -> None:
    common = common_words(["create a model and compare a run; the team uses it"])
    # `Create` in code and the one-letter label "A" are masked where they stand, but neither
    # makes the ordinary sentence-initial words "Create" and "A" terms elsewhere
    stem = "Compare model A with model B. The team runs `Create` in SQL."
    opts = ["Create a remote model over a connection", "A run per seed"]
    m = mask([stem, *opts], common)
    assert m.texts[1].startswith("Create a remote model")
    assert m.texts[2].startswith("A run per seed")
    assert "`Create`" not in m.texts[0]


def test_hyphenated_names_stay_terms_at_a_line_start() -> None:
    common = common_words(["a speech to text model and the text of each call"])
    stem = "The team transcribes calls with either version of the\nSpeech-to-Text API."
    (out,) = mask([stem], common).texts
    assert "Speech" not in out and "Text" not in out
