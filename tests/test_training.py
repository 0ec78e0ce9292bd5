"""Training end to end on the tiny data set: checkpoints, warm start, metrics, exports, CLIs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import torch
from conftest import GREETING, UNKNOWN, tiny_config, tiny_examples

from assistant.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from assistant.inference import Assistant, Reader, generate_response, load_model
from assistant.knowledge import load_knowledge
from assistant.progress import ProgressEvent, StepProgress
from assistant.tokenizer import tokenize
from training.examples import write_examples
from training.train import cosine_schedule, lineage_best, load_splits, no_facts_replies, train

ROOT = Path(__file__).resolve().parents[1]
SEED_KEYS = {"epoch", "model_state_dict", "loss"}
RECORD_KEYS = {"vocab", "model_args", "config", "metrics", "data_hash", "created_at", "version", "history"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, *args], input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300
    )


def test_training_lowers_the_loss_and_learns_the_answers(tiny_checkpoint):
    meta = read_metadata(tiny_checkpoint)
    history = meta["history"]
    assert history[-1]["train_loss"] < history[0]["train_loss"] / 5
    assistant = Assistant.load(tiny_checkpoint, device="cpu")
    assert assistant.answer("what element is xingqiu") == "Xingqiu is a Hydro character."
    assert assistant.answer("what element is trodd") == UNKNOWN
    assert meta["metrics"]["test"]["fact_accuracy"] >= 0.8


def test_a_name_never_seen_in_training_is_copied_from_the_facts(tiny_checkpoint):
    assistant = Assistant.load(tiny_checkpoint, device="cpu")
    assert "chongyun" not in assistant.vocab.stoi and "yelan" not in assistant.vocab.stoi
    assert assistant.answer("what element is chongyun") == "Chongyun is a Cryo character."
    reply = assistant.reply_batch(["yelan element"])[0]
    assert reply.text == "Yelan is a Hydro character." and reply.entities == ("character:yelan",)


def test_names_only_one_entity_has_stay_out_of_the_vocabulary(tiny_checkpoint):
    vocab = load_checkpoint(tiny_checkpoint).vocab
    assert {"furina", "diluc", "xingqiu"}.isdisjoint(vocab.stoi)  # copied, never generated
    assert {"element", "character", "hydro", "pyro"} <= set(vocab.stoi)  # shared by many entities


def test_checkpoint_is_self_contained_with_the_seed_keys(tiny_checkpoint):
    payload = torch.load(tiny_checkpoint, weights_only=True)
    assert payload.keys() >= SEED_KEYS | RECORD_KEYS
    assert payload["vocab"]["tokens"][:4] == ["<PAD>", "<UNK>", "<SOS>", "<EOS>"]
    assert payload["model_args"] == {
        "vocab_size": len(payload["vocab"]["tokens"]),
        "embedding_dim": 32,
        "hidden_dim": 32,
        "dropout": 0.0,
        "copy": True,
    }
    assert tiny_checkpoint.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_crash_while_saving_keeps_the_previous_checkpoint(tiny_checkpoint, tmp_path, monkeypatch):
    target = tmp_path / "model.pt"
    target.write_bytes(tiny_checkpoint.read_bytes())
    loaded = load_checkpoint(target)

    def crash(obj, handle, *args, **kwargs):
        handle.write(b"partial")
        raise OSError("No space left on device")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError):
        save_checkpoint(target, loaded.model, loaded.vocab, epoch=9, loss=0.0, config={}, metrics={}, data_hash="x")
    monkeypatch.undo()
    assert read_metadata(target)["version"] == loaded.meta["version"]
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


def test_warm_start_continues_from_the_checkpoint_with_extra_pairs(tiny_checkpoint, tmp_path):
    extra = tmp_path / "extra.jsonl"
    corrected = "Furina is a Hydro character. Her vision is the one of Fontaine's Archon."
    extra.write_text(json.dumps({"question": "furina vision?", "answer": corrected}) + "\nnot json\n", encoding="utf-8")
    config = tiny_config(tmp_path, output=tmp_path / "warm.pt", warm_start=tiny_checkpoint, extra_data=extra, epochs=3)
    before = load_checkpoint(tiny_checkpoint)
    result = train(config)
    after = load_checkpoint(result.checkpoint)
    assert after.vocab.itos == before.vocab.itos
    assert result.baseline is not None and after.meta["metrics"]["baseline_test"]["pairs"] == result.test.pairs
    # The starting point scores what the old model scored: a warm start begins where training ended.
    for key in ("exact_match", "fact_accuracy", "unknown_accuracy"):
        assert result.baseline.to_dict()[key] == before.meta["metrics"]["test"][key]
    assert after.meta["train_pairs"] == before.meta["train_pairs"] + 1  # the one valid extra line


def test_a_retrain_is_gated_against_the_best_score_of_its_line(tiny_checkpoint, tmp_path):
    loaded = load_checkpoint(tiny_checkpoint)
    best = loaded.meta["metrics"]["best_test"]
    assert {"fact_accuracy", "unknown_accuracy"} <= set(best["scores"])
    # An earlier model of the line scored higher on the same test split: the bar stays at its score.
    earlier = {**best, "scores": {**best["scores"], "fact_accuracy": 0.99}}
    serving = tmp_path / "serving.pt"
    metrics = {"best_test": earlier}
    save_checkpoint(serving, loaded.model, loaded.vocab, epoch=1, loss=0.0, config={}, metrics=metrics, data_hash="")
    now = {"fact_accuracy": 0.9, "unknown_accuracy": 1.0}
    assert lineage_best(serving, now, best["test_hash"]) == {"fact_accuracy": 0.99, "unknown_accuracy": 1.0}
    # Another test split (new game data) starts a new line: the serving model's score is the bar.
    assert lineage_best(serving, now, "another split") == now


def test_training_questions_whose_entity_the_linker_misses_are_left_out(tmp_path):
    examples = tiny_examples()
    typo = replace(examples[0], question="what element is frnia")  # Furina, beyond the linker's reach
    write_examples(tmp_path / "data.json", [*examples, typo], {"seed": 0})
    config = tiny_config(tmp_path, data=tmp_path / "data.json")
    splits = load_splits(config, Reader(load_knowledge()))
    assert typo not in splits.train and examples[0] in splits.train
    assert len(splits.train) == len(splits.sources["train"]) == sum(e.split == "train" for e in examples)
    assert typo.answer not in no_facts_replies(splits)  # nothing linked, yet it names Furina


def test_training_questions_whose_facts_lack_the_answer_are_left_out(tmp_path):
    examples = tiny_examples()
    # The question reads Furina's element, but its answer also claims a birthday it never read.
    unread = replace(examples[0], answer="Furina was born on October 13.", expected=("October", "13"))
    write_examples(tmp_path / "data.json", [*examples, unread], {"seed": 0})
    splits = load_splits(tiny_config(tmp_path, data=tmp_path / "data.json"), Reader(load_knowledge()))
    assert unread not in splits.train and examples[0] in splits.train


def test_a_batch_answers_as_one_by_one_though_its_answers_end_at_different_steps(tiny_checkpoint):
    assistant = Assistant.load(tiny_checkpoint, device="cpu")
    questions = ["hello", "what element is furina", "what element is zorbl", "yelan element", "hi", "diluc vision?"]
    one_by_one = [assistant.answer(question) for question in questions]
    assert len({len(answer.split()) for answer in one_by_one}) > 1
    assert assistant.answer_batch(questions) == one_by_one


def test_seed_inference_api(tiny_checkpoint):
    model = load_model(tiny_checkpoint)
    assert generate_response(model, "diluc element") == "Diluc is a Pyro character."
    assert len(generate_response(model, "diluc element", max_length=2).split()) <= 2


@pytest.mark.parametrize("question", ["", "   ", "\n"])
def test_empty_questions_raise_a_clear_error(tiny_checkpoint, question):
    with pytest.raises(ValueError, match="empty"):
        Assistant.load(tiny_checkpoint, device="cpu").answer(question)


def test_unusual_input_never_crashes(tiny_checkpoint):
    assistant = Assistant.load(tiny_checkpoint, device="cpu")
    questions = [
        "🔥" * 300,
        "胡桃是什么元素",
        "what element is " + "hu tao " * 400,
        "@everyone <@&123> <@456>",
        "<facts>",
        "'); DROP TABLE conversations;--",
    ]
    answers = assistant.answer_batch(questions)
    assert len(answers) == len(questions) and all(isinstance(a, str) for a in answers)


def test_onnx_export_matches_pytorch(tiny_checkpoint, tmp_path):
    pytest.importorskip("onnxruntime")
    from training.onnx_export import OnnxAssistant, export

    export(tiny_checkpoint, tmp_path / "onnx")
    assistant = Assistant.load(tiny_checkpoint, device="cpu")
    onnx = OnnxAssistant(tmp_path / "onnx", assistant.reader)
    for question in ["what element is chongyun", "diluc vision?", "what element is zorbl", "hello"]:
        assert onnx.answer(question) == assistant.answer(question)
    query = torch.tensor([assistant.vocab.encode("diluc element")])
    outputs, keys, hidden, cell = onnx.encoder.run(None, {"query": query.numpy()})
    encoded = assistant.model.encode(query)
    torch.testing.assert_close(torch.from_numpy(outputs), encoded.outputs, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(torch.from_numpy(keys), encoded.keys, atol=1e-5, rtol=1e-4)


def test_int8_quantized_model_still_answers(tiny_checkpoint):
    from training.quantize import quantize_dynamic

    loaded = load_checkpoint(tiny_checkpoint)
    quantized = Assistant(quantize_dynamic(loaded.model), loaded.vocab)
    assert quantized.answer("what element is diluc") == "Diluc is a Pyro character."


def test_training_cli_trains_and_reports_test_metrics(tmp_path):
    config = tiny_config(tmp_path, epochs=3)
    result = run(
        "-m",
        "training",
        "--data",
        str(config.data),
        "--output",
        str(tmp_path / "cli.pt"),
        "--epochs",
        "3",
        "--batch-size",
        "8",
        "--embedding-dim",
        "16",
        "--hidden-dim",
        "16",
        "--device",
        "cpu",
        "--accumulation-steps",
        "2",
        "--progress-json",
        "--profile",
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [e["epoch"] for e in events if e["event"] == "epoch"] == [1, 2, 3]
    assert events[-1]["event"] == "done"
    assert "test fact accuracy" in result.stdout
    assert "Self CPU time total" in result.stderr  # the --profile table
    assert read_metadata(tmp_path / "cli.pt")["config"]["accumulation_steps"] == 2


def learning_rates(updates: int, steps: int, started: float, deadline: float | None) -> list[float]:
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    schedule = cosine_schedule(optimizer, updates, 0.05, started, deadline)
    rates = []
    for _ in range(steps):
        optimizer.step()
        schedule.step()
        rates.append(schedule.get_last_lr()[0])
    return rates


def test_learning_rate_decays_over_the_planned_updates_or_the_time_budget():
    now = time.perf_counter()
    by_updates = learning_rates(10, 10, now, None)
    assert by_updates == sorted(by_updates, reverse=True)
    assert by_updates[4] == pytest.approx(0.525) and by_updates[-1] == pytest.approx(0.05)
    assert learning_rates(10, 1, now - 10, now + 3600)[0] > 0.9  # plenty of time left: the update count leads
    assert learning_rates(1000, 1, now - 10, now - 5) == [pytest.approx(0.05)]  # budget spent: the floor


def test_a_spent_time_budget_stops_training_mid_epoch_and_still_saves(tmp_path):
    events: list[ProgressEvent] = []
    result = train(tiny_config(tmp_path, epochs=5, max_minutes=1e-9), on_progress=events.append)
    assert len(result.history) == 1
    assert not any(isinstance(e, StepProgress) and e.step == e.steps for e in events)  # the epoch was cut short
    assert load_checkpoint(result.checkpoint, "cpu").meta["metrics"]["test"]["pairs"] > 0


def test_selecting_by_validation_fact_accuracy_records_it_and_keeps_the_best_epoch(tmp_path):
    result = train(tiny_config(tmp_path, epochs=4, select="facts"))
    best = min(result.history, key=lambda row: (-row["val_fact_accuracy"], row["val_loss"]))
    assert read_metadata(result.checkpoint)["epoch"] == best["epoch"]
    with pytest.raises(ValueError, match="select"):
        tiny_config(tmp_path, select="accuracy")


def test_training_cli_rejects_a_missing_extra_file(tmp_path):
    result = run("-m", "training", "--extra-data", str(tmp_path / "nope.jsonl"))
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_assistant_cli_answers_an_argument_and_stdin_lines(tiny_checkpoint):
    single = run("-m", "assistant", "--model", str(tiny_checkpoint), "What element is Yelan?")
    assert single.returncode == 0 and single.stdout.strip() == "Yelan is a Hydro character."
    piped = run("-m", "assistant", "--model", str(tiny_checkpoint), stdin="diluc element\n\nganyu vision?\n")
    assert piped.returncode == 0
    assert piped.stdout.splitlines() == ["Diluc is a Pyro character.", "", "Ganyu is a Cryo character."]


def test_assistant_cli_explains_a_missing_model(tmp_path):
    result = run("-m", "assistant", "--model", str(tmp_path / "none.pt"), "hi")
    assert result.returncode == 2 and "python -m training" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_amp_training_step_and_gpu_resident_inference(tiny_checkpoint, tmp_path):
    from training.train import train

    result = train(tiny_config(tmp_path, device="cuda", epochs=2))
    assistant = Assistant.load(result.checkpoint, device="cuda")
    assert assistant.device.type == "cuda"
    assert len(assistant.answer_batch(["hu tao element"] * 32)) == 32


def test_an_answer_with_a_value_the_facts_lack_becomes_the_admission(tiny_checkpoint):
    assistant = Assistant.load(tiny_checkpoint, device="cpu")
    assert {"is", "a", "character"} <= assistant.taught.frame_words
    assert "pyro" not in assistant.taught.frame_words  # element answers copy the element they read
    source = assistant.reader.source("what element is furina")
    _, _, oovs = assistant.vocab.encode_source(source.pieces)

    def ids(answer: str) -> list[int]:  # each word from the vocabulary, or copied from the source
        stoi = assistant.vocab.stoi
        return [stoi[word] if word in stoi else len(assistant.vocab) + oovs.index(word) for word in tokenize(answer)]

    read, invented = ids("Furina is a Hydro character."), ids("Furina is a Pyro character.")
    assert assistant._written(read, source, oovs) == "Furina is a Hydro character."
    assert assistant._written(invented, source, oovs) == UNKNOWN


def test_with_nothing_linked_an_answer_may_not_copy_a_name(tiny_checkpoint):
    assistant = Assistant.load(tiny_checkpoint, device="cpu")
    source = assistant.reader.source("what is love")
    assert source.knows_nothing
    _, _, oovs = assistant.vocab.encode_source(source.pieces)
    copied = len(assistant.vocab) + oovs.index("love")
    assert assistant._written([copied, assistant.vocab.stoi["is"]], source, oovs) == UNKNOWN
    # Only what training taught for questions that link nothing may be said then.
    assert assistant.taught.no_facts_replies == {UNKNOWN, GREETING}
    assert assistant._written([assistant.vocab.stoi["is"]], source, oovs) == UNKNOWN
    greeting = assistant.vocab.encode(GREETING, max_length=64)
    assert assistant._written(greeting, source, oovs) == GREETING
