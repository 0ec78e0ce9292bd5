"""Entity linker benchmark: mentions typed the way players type them, and made-up names.

    python -m benchmarks.linker [--seed 7] [--per-entity 6] [--worst 20]

Everything is generated at run time from the shipped knowledge with a seeded random stream, by
rules written here (not read from the linker's index): each character, weapon and artifact set is
mentioned by its full name, a character also by its given name, title and constellation, any
entity by its community nicknames; then lowercased, apostrophes dropped, a possessive added, the
spaces removed or letters swapped, dropped or doubled, and set in a question, sometimes after an
unrelated item or beside a second entity; one question in five has a typo in its own words too.
Made-up names are built from syllables, or from a real one-word name plus a made-up word or
ending ("Amber Windmere", "Diluc" + "son").
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from assistant.knowledge import load_knowledge
from assistant.linker import EntityLinker, Mention
from assistant.nicknames import NICKNAMES

QUESTIONS = (
    "what element is {}",
    "{} build?",
    "who uses {}",
    "is {} good",
    "tell me about {}",
    "what does {} do",
    "{}",
    "hey katheryne, what rarity is {}?",
    "how do i get {} lol",
)
PAIRS = ("are {} and {} the same element", "{} or {} for my team?", "compare {} vs {}")
DISTRACTED = ("just got {} lol. anyway what about {}", "after {} pulls... is {} worth it")
SYLLABLES = (
    "bri",
    "sa",
    "wind",
    "mere",
    "tor",
    "vel",
    "ka",
    "lan",
    "dra",
    "mo",
    "rin",
    "eth",
    "al",
    "va",
    "shi",
    "ren",
    "qua",
    "lo",
    "mi",
    "zen",
    "dar",
    "ko",
    "fe",
    "lis",
    "tha",
    "bor",
    "nia",
    "gal",
    "rue",
    "syl",
    "ven",
    "oth",
    "ru",
    "mael",
    "dun",
    "ira",
    "pol",
    "tes",
)
MADE_UP_FRAMES = ("who is {}", "what element is {}", "{} build", "is {} a good character", "tell me about {}")
SUFFIXES = ("son", "ly", "ford", "wick", "ara", "ine")


@dataclass(frozen=True)
class Planted:
    """One mention in a generated question: where it is and what it should link to."""

    question: str
    start: int
    end: int
    key: str  # "" for a made-up name
    category: str


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: two neighbouring letters swapped, a letter dropped or doubled."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha()]
    if len(letters) < 5:
        return word
    i = rng.choice(letters[1:-1])
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap" and word[i + 1 : i + 2].isalpha():
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def player_typed(form: str, rng: random.Random, slips: bool = True) -> tuple[str, str]:
    """The form as a player might type it, and which noise was applied; `slips=False`: no letter
    swapped, dropped or doubled (a name cut short is slip enough)."""
    noise: list[str] = []
    text = form
    if rng.random() < 0.6:
        text, noise = text.lower(), noise + ["lowercase"]
    if ("'" in text or '"' in text) and rng.random() < 0.7:
        text, noise = text.replace("'", "").replace('"', ""), noise + ["no apostrophe"]
    if rng.random() < 0.15:
        text, noise = text + rng.choice(("'s", "s")), noise + ["possessive"]
    if " " in text and len(text) < 14 and rng.random() < 0.15:
        text, noise = text.replace(" ", ""), noise + ["no spaces"]
    if rng.random() < 0.5 and slips:
        words = text.split(" ")
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        slipped = typo(words[longest], rng)
        if slipped != words[longest]:
            words[longest] = slipped
            noise.append("typo")
        if len(text) >= 14 and rng.random() < 0.3:
            other = rng.randrange(len(words))
            words[other] = typo(words[other], rng)
        text = " ".join(words)
    return text, "+".join(noise) or "as written"


def mention_forms(linker: EntityLinker) -> list[tuple[str, str, str]]:
    """(entity key, form, form kind) for every way the benchmark names an entity."""
    knowledge = load_knowledge()
    forms: list[tuple[str, str, str]] = []
    entities = {e.name: e for e in linker.entities if e.kind in ("character", "weapon", "artifact_set")}
    given_names = Counter(c.name.split()[-1] for c in knowledge.characters)
    constellations = Counter(c.constellation for c in knowledge.characters)
    for character in knowledge.characters:
        key = f"character:{character.id}"
        forms.append((key, character.name, "name"))
        given = character.name.split()[-1]
        if " " in character.name and given_names[given] == 1 and "(" not in character.name:
            forms.append((key, given, "given name"))
        if character.title:
            forms.append((key, character.title, "title"))
        if character.constellation and constellations[character.constellation] == 1:
            forms.append((key, character.constellation, "constellation"))
        if character.name.isalpha() and len(character.name) >= 8:  # "wriothe", "arlecc"
            forms.append((key, character.name[: round(len(character.name) * 0.6)], "cut short"))
    for weapon in knowledge.weapons:
        forms.append((f"weapon:{weapon.id}", weapon.name, "name"))
    for artifact_set in knowledge.artifact_sets:
        forms.append((f"artifact_set:{artifact_set.id}", artifact_set.name, "name"))
    for nickname, name in NICKNAMES.items():
        if name in entities:
            forms.append((entities[name].key, nickname, "nickname"))
    return forms


def slip_frame(frame: str, rng: random.Random) -> str:
    """The question's own words typed carelessly too, one in five times ("whta element is")."""
    words = frame.split(" ")
    long_words = [i for i, word in enumerate(words) if "{}" not in word and len(word) >= 5]
    if long_words and rng.random() < 0.2:
        i = rng.choice(long_words)
        words[i] = typo(words[i], rng)
    return " ".join(words)


def plant(frame: str, texts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Fill the frame's slots with texts and return the question with each text's span."""
    pieces = frame.split("{}")
    question, spans = pieces[0], []
    for text, after in zip(texts, pieces[1:], strict=True):
        spans.append((len(question), len(question) + len(text)))
        question += text + after
    return question, spans


def generate(linker: EntityLinker, seed: int, per_entity: int) -> list[list[Planted]]:
    """Questions, each as the list of mentions planted in it."""
    rng = random.Random(seed)
    forms = mention_forms(linker)
    names = [(key, form) for key, form, kind in forms if kind == "name"]
    questions: list[list[Planted]] = []
    by_key: dict[str, list[tuple[str, str]]] = {}
    for key, form, kind in forms:
        by_key.setdefault(key, []).append((form, kind))
    for key, entity_forms in by_key.items():
        for _ in range(per_entity):
            form, kind = rng.choice(entity_forms)
            typed, noise = player_typed(form, rng, slips=kind != "cut short")
            category = f"{kind}, {noise}"
            roll = rng.random()
            if roll < 0.15:
                other_key, other = rng.choice([n for n in names if n[0] != key])
                other_typed, _ = player_typed(other, rng)
                question, spans = plant(slip_frame(rng.choice(DISTRACTED), rng), [other_typed, typed])
                keys, categories = [other_key, key], ["distractor", f"after a distractor: {category}"]
            elif roll < 0.3:
                other_key, other = rng.choice([n for n in names if n[0] != key])
                other_typed, _ = player_typed(other, rng)
                question, spans = plant(slip_frame(rng.choice(PAIRS), rng), [typed, other_typed])
                keys, categories = [key, other_key], [f"pair: {category}", "pair: second"]
            else:
                question, spans = plant(slip_frame(rng.choice(QUESTIONS), rng), [typed])
                keys, categories = [key], [category]
            questions.append(
                [Planted(question, s, e, k, c) for (s, e), k, c in zip(spans, keys, categories, strict=True)]
            )
    return questions


def made_up_names(linker: EntityLinker, seed: int, count: int) -> list[Planted]:
    """Names of nobody: from syllables, or a real one-word name with a made-up word or ending."""
    rng = random.Random(seed + 1)
    real = {e.name.lower() for e in linker.entities}
    one_word = [e.name for e in linker.entities if e.kind == "character" and " " not in e.name and e.name.isalpha()]

    def invented() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    planted: list[Planted] = []
    while len(planted) < count:
        roll = rng.random()
        if roll < 0.4:
            name, category = f"{invented()} {invented()}", "made up: syllables"
        elif roll < 0.55:
            name, category = f"{invented()} the {invented()}", "made up: X the Y"
        elif roll < 0.75:
            real_name = rng.choice(one_word)
            name = rng.choice((f"{real_name} {invented()}", f"{invented()} {real_name}"))
            category = "made up: real name + invented word"
        elif roll < 0.9:
            name, category = rng.choice(one_word) + rng.choice(SUFFIXES), "made up: real name + ending"
        else:
            name, category = f"{invented()} {invented()}".lower(), "made up: syllables, lowercase"
        if name.lower() in real:
            continue
        if category == "made up: real name + invented word" and rng.random() < 0.3:
            name, category = name.lower(), "made up: real name + invented word, lowercase"
        question, ((start, end),) = plant(rng.choice(MADE_UP_FRAMES), [name])
        planted.append(Planted(question, start, end, "", category))
    return planted


def overlapping(mentions: list[Mention], planted: Planted) -> list[Mention]:
    return [m for m in mentions if m.start < planted.end and planted.start < m.end]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7, help="random seed of the generated set (default 7)")
    parser.add_argument("--per-entity", type=int, default=6, help="questions per entity (default 6)")
    parser.add_argument("--made-up", type=int, default=2000, help="made-up-name questions (default 2000)")
    parser.add_argument("--worst", type=int, default=0, help="print this many failures of each kind (default 0)")
    args = parser.parse_args()

    linker = EntityLinker(load_knowledge())
    questions = generate(linker, args.seed, args.per_entity)
    made_up = made_up_names(linker, args.seed, args.made_up)
    print(
        f"Entity linker benchmark (seed {args.seed}): {len(questions)} generated questions over "
        f"{len(linker.entities)} entities (every character, weapon and artifact set mentioned "
        f"{args.per_entity} times by name, given name, title, constellation, nickname or a long name cut short, with "
        f"player noise), and {len(made_up)} made-up names. Generated here, by rules independent "
        "of the linker's index; nothing of it is used to build the linker."
    )

    wanted = {entity.key: entity.name for entity in linker.entities}
    timings: list[float] = []
    right = Counter[str]()
    total = Counter[str]()
    failures: list[tuple[Planted, list[Mention]]] = []
    for planted_mentions in questions:
        start = time.perf_counter()
        mentions = linker.link(planted_mentions[0].question)
        timings.append(time.perf_counter() - start)
        for planted in planted_mentions:
            # Records sharing a name (a weapon's variants) cannot be told apart by text: any will do.
            ok = any(m.entity.name == wanted[planted.key] for m in overlapping(mentions, planted))
            for category in ("all", planted.category.split(",")[0]):
                total[category] += 1
                right[category] += ok
            if not ok:
                failures.append((planted, mentions))
    false_links = Counter[str]()
    made_up_total = Counter[str]()
    false_examples: list[tuple[Planted, list[Mention]]] = []
    for planted in made_up:
        start = time.perf_counter()
        mentions = linker.link(planted.question)
        timings.append(time.perf_counter() - start)
        linked = bool(overlapping(mentions, planted))
        for category in ("all", planted.category):
            made_up_total[category] += 1
            false_links[category] += linked
        if linked:
            false_examples.append((planted, mentions))

    print(f"\nmentions linked to the right entity: {right['all'] / total['all']:.1%} of {total['all']} (target >= 98%)")
    for category in sorted(c for c in total if c != "all"):
        print(f"  {category:<40} {right[category] / total[category]:7.1%} of {total[category]}")
    print(
        f"\nmade-up names linked to anything: {false_links['all'] / made_up_total['all']:.1%} "
        f"of {made_up_total['all']} (target <= 1%)"
    )
    for category in sorted(c for c in made_up_total if c != "all"):
        print(f"  {category:<48} {false_links[category] / made_up_total[category]:7.1%} of {made_up_total[category]}")
    print(
        f"\nlink() time: median {statistics.median(timings) * 1000:.3f} ms, "
        f"p99 {sorted(timings)[int(len(timings) * 0.99)] * 1000:.3f} ms over {len(timings)} questions"
    )
    if args.worst:
        print(f"\nmissed mentions ({len(failures)}), first {args.worst}:")
        for planted, mentions in failures[: args.worst]:
            got = ", ".join(f"{m.text!r}->{m.entity.name} ({m.score:.0f})" for m in mentions) or "nothing"
            print(f"  [{planted.category}] {planted.question!r}: wanted {wanted[planted.key]}, got {got}")
        print(f"\nmade-up names linked ({len(false_examples)}), first {args.worst}:")
        for planted, mentions in false_examples[: args.worst]:
            got = ", ".join(f"{m.text!r}->{m.entity.name} ({m.score:.0f})" for m in mentions)
            print(f"  [{planted.category}] {planted.question!r}: {got}")


if __name__ == "__main__":
    main()
