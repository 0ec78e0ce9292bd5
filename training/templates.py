"""How people ask, and how Katheryne answers: question phrasings, answer wordings, nicknames.

Question patterns are grouped into families (one family per kind of fact, e.g. "character.element").
Placeholders: {n} entity name, {t} talent name, {e} element, {w} weapon type, {ws} its plural,
{r} region, {s} star count, {a} ascension phase. A pattern is used for a fact only when the fact
can fill all of its placeholders. Patterns are lowercase and terse on purpose: that is how people
type in Discord. The split (training/split.py) holds out whole patterns per family, so every
family needs enough of them to leave some unseen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from assistant.tokenizer import tokenize

# Nicknames and common misspellings (by knowledge id). Ambiguous ones are dropped by data.py.
CHARACTER_ALIASES: dict[str, tuple[str, ...]] = {
    "hu_tao": ("hutao",),
    "zhongli": ("zhong li", "zhongly"),
    "raiden_shogun": ("raiden", "ei", "shogun", "raiden ei"),
    "kamisato_ayaka": ("ayaka",),
    "kamisato_ayato": ("ayato",),
    "kaedehara_kazuha": ("kazuha",),
    "sangonomiya_kokomi": ("kokomi",),
    "arataki_itto": ("itto",),
    "tartaglia": ("childe", "ajax"),
    "yae_miko": ("yae", "miko"),
    "shikanoin_heizou": ("heizou",),
    "kujou_sara": ("sara",),
    "kuki_shinobu": ("kuki", "shinobu"),
    "yun_jin": ("yunjin",),
    "wanderer": ("scaramouche", "scara"),
    "alhaitham": ("al haitham", "haitham"),
    "xingqiu": ("xing qiu", "xq"),
    "xiangling": ("xiang ling", "xianling"),
    "ningguang": ("ning guang",),
    "keqing": ("ke qing", "keching"),
    "diluc": ("deluc",),
    "tighnari": ("tignari",),
    "yoimiya": ("yoimya",),
    "fischl": ("fishl",),
    "qiqi": ("qi qi",),
    "shenhe": ("shen he",),
    "baizhu": ("bai zhu",),
    "yelan": ("yelaan",),
    "traveler_anemo": ("anemo traveler", "anemo traveller", "anemo mc"),
    "traveler_dendro": ("dendro traveler", "dendro traveller", "dendro mc"),
    "traveler_electro": ("electro traveler", "electro traveller", "electro mc"),
    "traveler_geo": ("geo traveler", "geo traveller", "geo mc"),
}
WEAPON_ALIASES: dict[str, tuple[str, ...]] = {
    "staff_of_homa": ("homa",),
    "primordial_jade_wingedspear": ("pjws", "jade spear"),
    "primordial_jade_cutter": ("jade cutter", "pjc"),
    "wolfs_gravestone": ("wgs", "wolf gravestone"),
    "mistsplitter_reforged": ("mistsplitter",),
    "engulfing_lightning": ("engulfing",),
    "aquila_favonia": ("aquila",),
    "a_thousand_floating_dreams": ("atfd", "thousand floating dreams"),
    "kaguras_verity": ("kagura",),
    "haran_geppaku_futsu": ("haran",),
    "lost_prayer_to_the_sacred_winds": ("lost prayer",),
    "elegy_for_the_end": ("elegy",),
    "song_of_broken_pines": ("broken pines",),
    "redhorn_stonethresher": ("redhorn",),
    "everlasting_moonglow": ("moonglow",),
    "key_of_khajnisut": ("khaj nisut",),
    "light_of_foliar_incision": ("foliar",),
    "calamity_queller": ("calamity",),
    "tulaytullahs_remembrance": ("tulaytullah",),
    "jadefalls_splendor": ("jadefall",),
    "beacon_of_the_reed_sea": ("beacon",),
    "staff_of_the_scarlet_sands": ("scarlet sands",),
    "favonius_sword": ("fav sword",),
    "favonius_greatsword": ("fav greatsword",),
    "favonius_lance": ("fav lance",),
    "favonius_codex": ("fav codex",),
    "favonius_warbow": ("fav bow", "fav warbow"),
    "sacrificial_sword": ("sac sword",),
    "sacrificial_greatsword": ("sac greatsword",),
    "sacrificial_fragments": ("sac frags",),
    "sacrificial_bow": ("sac bow",),
    "prototype_amber": ("proto amber",),
    "kitain_cross_spear": ("kitain",),
}
ARTIFACT_ALIASES: dict[str, tuple[str, ...]] = {
    "crimson_witch_of_flames": ("crimson witch", "cw"),
    "viridescent_venerer": ("vv", "viridescent"),
    "emblem_of_severed_fate": ("emblem", "eosf"),
    "noblesse_oblige": ("noblesse",),
    "tenacity_of_the_millelith": ("tom", "millelith"),
    "heart_of_depth": ("hod",),
    "blizzard_strayer": ("blizzard",),
    "shimenawas_reminiscence": ("shimenawa",),
    "gladiators_finale": ("gladiator", "glad"),
    "wanderers_troupe": ("troupe",),
    "thundering_fury": ("tf",),
    "deepwood_memories": ("deepwood",),
    "gilded_dreams": ("gilded",),
    "oceanhued_clam": ("ohc", "clam"),
    "husk_of_opulent_dreams": ("husk",),
    "bloodstained_chivalry": ("bloodstained",),
    "archaic_petra": ("petra",),
    "retracing_bolide": ("bolide",),
    "echoes_of_an_offering": ("echoes",),
    "vermillion_hereafter": ("vermillion",),
    "flower_of_paradise_lost": ("paradise lost", "fopl"),
    "desert_pavilion_chronicle": ("desert pavilion",),
    "nymphs_dream": ("nymph",),
    "vourukashas_glow": ("vourukasha",),
    "maiden_beloved": ("maiden",),
}
# How people refer to the Traveler without saying which element.
TRAVELER_NAMES = ("traveler", "the traveler", "traveller", "mc", "aether", "lumine")

QUESTIONS: dict[str, tuple[str, ...]] = {
    "character.element": (
        "what element is {n}", "what is {n}'s element", "{n} element", "what vision does {n} have",
        "{n} vision", "which element does {n} use", "what's {n}'s vision", "element of {n}",
        "{n} is what element", "what element does {n} have", "tell me {n}'s element",
        "which vision does {n} have", "hey what element is {n}", "{n} what element",
        "what kind of vision does {n} have", "what's the element of {n}",
        "{n}'s element", "does {n} have pyro or hydro", "which element is {n}", "{n} element type",
        "what is {n}'s vision", "what element does {n} use in combat",
    ),
    "character.weapon": (
        "what weapon does {n} use", "{n} weapon", "what weapon type is {n}", "{n} weapon type",
        "which weapon type does {n} use", "what does {n} fight with", "what kind of weapon does {n} wield",
        "{n} uses what weapon", "weapon of {n}", "what weapon class is {n}", "what is {n}'s weapon type",
        "what type of weapon does {n} have", "what's the weapon type of {n}", "{n} wields what",
        "which weapon does {n} wield",
        "{n}'s weapon", "what weapon should {n} use", "what's {n}'s weapon", "{n} weapon class",
        "what does {n} wield", "what weapon type does {n} have", "{n} uses a sword or what",
    ),
    "character.region": (
        "where is {n} from", "{n} region", "what region is {n} from", "which nation is {n} from",
        "{n} nation", "{n} from where", "where does {n} come from", "what's {n}'s region",
        "{n} hometown", "which region does {n} belong to", "where's {n} from", "what country is {n} from",
        "home region of {n}", "{n} comes from which region",
        "{n}'s region", "what nation does {n} belong to", "{n} homeland", "where was {n} born",
        "which region is {n} from", "what part of teyvat is {n} from",
    ),
    "character.rarity": (
        "how many stars is {n}", "{n} rarity", "what rarity is {n}", "{n} stars", "{n} star rating",
        "what's {n}'s rarity", "how rare is {n}", "{n} how many stars", "is {n} a 4 star or 5 star",
        "rarity of {n}", "{n} 4 star or 5 star", "how many stars does {n} have", "is {n} 4* or 5*",
        "{n}'s rarity", "what star is {n}", "{n} star level", "{n} star count",
    ),
    "character.title": (
        "what is {n}'s title", "{n} title", "what is {n} known as", "title of {n}", "what's {n}'s epithet",
        "{n} epithet", "what title does {n} have", "what is {n}'s in game title", "what's the title of {n}",
        "{n} character title", "which title does {n} carry", "{n}'s title",
        "what is {n} called", "{n} in game title", "what's {n}'s title", "the title of {n}",
    ),
    "character.constellation": (
        "what is {n}'s constellation", "{n} constellation", "{n} constellation name",
        "name of {n}'s constellation", "which constellation does {n} have", "what's {n}'s constellation called",
        "constellation of {n}", "what constellation is {n}", "tell me {n}'s constellation",
        "what's the name of {n}'s constellation", "{n} cons name", "{n}'s constellation",
        "{n} constellation called", "what is the constellation of {n}", "{n} star sign", "which constellation is {n}'s",
    ),
    "character.birthday": (
        "when is {n}'s birthday", "{n} birthday", "{n} bday", "when was {n} born", "what is {n}'s birthday",
        "birthday of {n}", "when does {n} celebrate their birthday", "{n} birth date",
        "what day is {n}'s birthday", "when's {n}'s bday", "{n} birthday when", "{n}'s birthday",
        "what date is {n}'s birthday",
        "{n} b-day", "{n} birthday date", "when is {n} born", "when does {n} have a birthday",
        "what month is {n}'s birthday",
    ),
    "character.affiliation": (
        "what is {n}'s affiliation", "{n} affiliation", "who does {n} work for", "what group is {n} part of",
        "{n} faction", "which organization is {n} in", "what is {n} affiliated with", "affiliation of {n}",
        "which faction does {n} belong to", "what organisation does {n} belong to", "{n} group",
        "{n}'s affiliation", "what is {n} a member of",
        "who is {n} affiliated with", "{n} organization", "what faction is {n} in", "{n} works for who",
    ),
    "character.ascension": (
        "what is {n}'s ascension stat", "{n} ascension stat", "what stat does {n} get from ascension",
        "{n} bonus stat", "{n} ascension bonus", "{n} ascension substat", "what's {n}'s ascension stat",
        "ascension stat of {n}", "what stat does {n} gain when ascending", "{n} substat",
        "what is the ascension bonus for {n}", "which stat does {n} ascend", "{n} ascension stat?",
        "{n}'s ascension stat", "{n} ascension", "what does {n} gain from ascending", "{n} bonus stat from ascension",
    ),
    "character.summary": (
        "tell me about {n}", "who is {n}", "{n}", "{n} info", "info on {n}", "give me info about {n}",
        "what do you know about {n}", "who's {n}", "{n} overview", "describe {n}", "tell me something about {n}",
        "{n} details", "can you tell me about {n}", "information about {n}", "quick info {n}",
        "what is {n} like", "explain {n}", "{n} summary", "who exactly is {n}", "give me a summary of {n}",
    ),
    "character.normal_attack": (
        "what is {n}'s normal attack", "{n} normal attack", "{n} na", "{n} auto attack",
        "what does {n}'s normal attack do", "{n} basic attack", "describe {n}'s normal attack",
        "what does {t} do", "{t}", "what is {t}", "explain {t}", "normal attack of {n}", "{n}'s autos",
        "{n} normal attack talent",
        "{n}'s normal attack", "{n} autos", "what are {n}'s normal attacks",
    ),
    "character.elemental_skill": (
        "what is {n}'s elemental skill", "{n} skill", "{n} e", "{n} e skill", "what does {n}'s e do",
        "{n} elemental skill", "describe {n}'s skill", "what does {t} do", "what is {t}", "{t}",
        "explain {t}", "what's {n}'s skill called", "elemental skill of {n}", "{n} e ability",
        "what does {n}'s elemental skill do",
        "{n}'s e", "{n}'s elemental skill", "what is {n}'s e",
    ),
    "character.elemental_burst": (
        "what is {n}'s elemental burst", "{n} burst", "{n} q", "{n} ult", "{n} ultimate",
        "what does {n}'s q do", "{n} elemental burst", "describe {n}'s burst", "what does {t} do",
        "what is {t}", "{t}", "explain {t}", "what's {n}'s burst called", "elemental burst of {n}",
        "what does {n}'s ult do",
        "{n}'s q", "{n}'s elemental burst", "what is {n}'s q",
    ),
    "character.alternate_sprint": (
        "{n} sprint", "{n} alternate sprint", "what does {t} do", "{t}", "what is {t}", "{n} dash",
        "what is {n}'s alternate sprint", "explain {t}", "how does {n} sprint",
    ),
    "character.passives": (
        "what are {n}'s passives", "{n} passives", "{n} passive talents", "list {n}'s passive talents",
        "which passives does {n} have", "passive talents of {n}", "tell me {n}'s passives",
        "what passive talents does {n} have", "{n} passive skills", "{n}'s passives", "name {n}'s passives",
        "{n} passive list", "list of {n}'s passives", "does {n} have passives",
    ),
    "character.passive_ascension": (
        "what is {n}'s a{a} passive", "{n} a{a}", "{n} a{a} passive", "{n} ascension {a} passive",
        "what does {t} do", "{t}", "what is {t}", "explain {t}", "what does {n}'s a{a} do", "{t} passive",
        "describe {t}", "{n} passive from ascension {a}",
        "{n}'s a{a}", "{n} a{a} talent", "tell me about {t}",
    ),
    "character.passive_other": (
        "what does {t} do", "{t}", "what is {t}", "explain {t}", "{t} passive", "describe {t}",
        "what does the {t} passive do", "tell me about {t}",
        "{t} talent", "{t} effect",
    ),
    "weapon.type": (
        "what type of weapon is {n}", "{n} weapon type", "what is {n}", "{n} type", "who can use {n}",
        "what kind of weapon is {n}", "{n} what type", "which weapon class is {n}",
        "{n} is what type of weapon", "what weapon category is {n}", "type of {n}", "what is {n} for",
        "{n} weapon class", "what class is {n}", "is {n} a sword or a bow", "{n} is a what",
    ),
    "weapon.rarity": (
        "how many stars is {n}", "{n} rarity", "what rarity is {n}", "{n} stars", "how rare is {n}",
        "{n} star rating", "rarity of {n}", "{n} how many stars", "what's {n}'s rarity",
        "is {n} a 4 or 5 star weapon", "how many stars does {n} have",
        "{n}'s rarity", "{n} star", "what star is {n}", "{n} weapon rarity",
    ),
    "weapon.substat": (
        "what is {n}'s substat", "{n} substat", "{n} secondary stat", "{n} main stat", "what stat does {n} give",
        "{n} sub stat", "what's the substat on {n}", "substat of {n}", "which stat does {n} have",
        "what secondary stat does {n} have", "{n} stat", "what stat is on {n}",
        "{n}'s substat", "what substat does {n} have", "{n} second stat", "{n} weapon substat",
    ),
    "weapon.passive": (
        "what does {n} do", "{n} passive", "what is {n}'s passive", "{n} weapon passive", "{n} effect",
        "what's {n}'s passive ability", "explain {n}'s passive", "{n} refinement 1", "{n} r1",
        "what is the passive of {n}", "{n} ability", "describe {n}'s effect", "{n} r1 passive",
        "{n}'s passive", "what does the {n} passive do", "{n} weapon effect", "what is {n}'s effect",
    ),
    "weapon.summary": (
        "tell me about {n}", "{n}", "{n} info", "info on {n}", "describe {n}", "{n} overview",
        "what do you know about {n}", "information about {n}", "{n} details", "give me info on {n}",
        "can you tell me about {n}", "{n} weapon", "explain {n}", "{n} summary",
    ),
    "artifact.two_piece": (
        "{n} 2 piece", "{n} 2pc", "{n} 2-piece bonus", "what does {n} 2 piece do",
        "what is the 2 piece bonus of {n}", "{n} two piece", "2pc {n}", "{n} 2 set",
        "2 piece bonus for {n}", "what does 2pc {n} give", "what do you get from 2 pieces of {n}", "{n} 2p",
        "{n} 2 pc bonus", "{n} two piece effect", "2 set {n}", "what is {n} 2pc",
    ),
    "artifact.four_piece": (
        "{n} 4 piece", "{n} 4pc", "{n} 4-piece bonus", "what does {n} 4 piece do",
        "what is the 4 piece bonus of {n}", "{n} four piece", "4pc {n}", "{n} 4 set",
        "4 piece bonus for {n}", "what does 4pc {n} give", "what do you get from 4 pieces of {n}", "{n} 4p",
        "{n} 4 pc bonus", "{n} four piece effect", "4 set {n}", "what is {n} 4pc",
    ),
    "artifact.one_piece": (
        "{n} 1 piece", "{n} 1pc", "what does the {n} piece do", "{n} bonus", "{n} effect", "{n} one piece bonus",
        "what is the 1 piece bonus of {n}",
    ),
    "artifact.rarity": (
        "{n} max rarity", "what rarity is {n}", "how many stars can {n} be", "{n} rarity", "{n} stars",
        "highest rarity of {n}", "max stars {n}", "what rarities does {n} come in", "how rare is {n}",
        "is {n} a 5 star set",
    ),
    "artifact.summary": (
        "what does {n} do", "{n} set bonus", "{n} bonuses", "tell me about {n}", "{n}", "{n} artifact",
        "{n} set effect", "what is {n}", "{n} artifact set", "info on {n}", "describe the {n} set",
        "{n} set", "what does the {n} set do", "{n} artifacts",
    ),
    "list.element": (
        "which characters are {e}", "{e} characters", "list {e} characters", "who are the {e} characters",
        "all {e} characters", "{e} units", "who uses {e}", "show me {e} characters",
        "which characters have a {e} vision", "{e} vision characters", "what characters are {e}",
        "give me a list of {e} characters", "{e} users", "name all {e} characters",
    ),
    "list.weapon": (
        "who uses a {w}", "{w} users", "which characters use {ws}", "{w} characters", "list {w} users",
        "who can use {ws}", "all {w} users", "characters that use a {w}", "who wields a {w}",
        "show me {w} users", "which characters wield {ws}", "name the {w} users", "{w} wielders",
    ),
    "list.region": (
        "characters from {r}", "who is from {r}", "{r} characters", "list {r} characters",
        "which characters come from {r}", "all {r} characters", "who comes from {r}", "{r} roster",
        "show me characters from {r}", "what characters are from {r}", "name the {r} characters",
        "who lives in {r}",
    ),
    "list.rarity": (
        "which characters are {s} star", "{s} star characters", "list all {s}-star characters",
        "who is {s} star", "{s}* characters", "all {s} star units", "show me the {s} star characters",
        "what characters are {s} stars", "{s} star roster", "name the {s}-star characters",
    ),
    "list.element_weapon": (
        "{e} {w} users", "which {e} characters use a {w}", "{e} {ws}", "who is a {e} {w} user",
        "list {e} {w} characters", "{e} characters with a {w}", "any {e} {w} users",
        "{w} users with a {e} vision", "who uses a {w} and is {e}", "show me {e} {w} characters",
    ),
    "list.element_region": (
        "{e} characters from {r}", "which {e} characters are from {r}", "{r} {e} characters",
        "who is {e} from {r}", "list {e} characters in {r}", "{e} units from {r}",
        "{e} characters in {r}", "show me {e} characters from {r}", "who in {r} is {e}",
    ),
    "list.weapons": (
        "{s} star {ws}", "list {s}-star {ws}", "which {ws} are {s} star", "all {s} star {ws}", "{s}* {ws}",
        "what {s} star {ws} are there", "show me {s} star {ws}", "{s} star {w} weapons",
        "name the {s}-star {ws}", "list of {s} star {ws}",
    ),
    "count.element": (
        "how many {e} characters are there", "number of {e} characters", "how many characters are {e}",
        "{e} character count", "how many {e} units are there", "count the {e} characters",
        "how many characters have a {e} vision", "total {e} characters",
    ),
    "count.weapon": (
        "how many {w} users are there", "number of {w} users", "how many characters use a {w}",
        "{w} user count", "how many characters wield {ws}", "count the {w} users", "total {w} users",
    ),
    "count.region": (
        "how many characters are from {r}", "number of {r} characters", "how many {r} characters are there",
        "{r} character count", "count the characters from {r}", "total characters from {r}",
    ),
    "meta.elements": (
        "what elements are there", "list all elements", "what are the 7 elements", "all elements",
        "which elements exist", "elements in genshin", "what visions are there", "name the seven elements",
        "how many elements are there", "list the visions",
    ),
    "meta.weapon_types": (
        "what weapon types are there", "list all weapon types", "weapon types", "which weapons can characters use",
        "how many weapon types are there", "name the weapon types", "what kinds of weapons exist",
        "all weapon classes",
    ),
    "meta.regions": (
        "what regions are there", "which regions do characters come from", "list the regions",
        "regions in genshin", "what nations are there", "name the regions", "all regions", "which nations exist",
    ),
    "yesno.element": (
        "is {n} {e}", "is {n} a {e} character", "{n} {e}", "does {n} have a {e} vision", "is {n}'s element {e}",
        "is {n} a {e} user", "{n} is {e} right", "is {n} {e} or not", "does {n} use {e}", "{e} {n}",
        "is {n} {e} element", "{n} a {e} unit", "is {n}'s vision {e}", "is {n} an {e} character",
        "{n} has a {e} vision", "{n} is {e}", "is {n} {e} right",
    ),
    "yesno.weapon": (
        "does {n} use a {w}", "is {n} a {w} user", "{n} {w}", "does {n} wield a {w}", "is {n} a {w} character",
        "can {n} use a {w}", "does {n} fight with a {w}", "{n} uses a {w}", "is {n}'s weapon a {w}",
        "does {n} use {ws}", "{n} wields a {w} right", "is {n} {w}", "does {n} carry a {w}",
        "{n} uses {ws}", "is {n} a {w} wielder",
    ),
    "yesno.region": (
        "is {n} from {r}", "{n} from {r}", "does {n} come from {r}", "is {n} a {r} character",
        "is {n} from {r} or not", "was {n} born in {r}", "{n} {r} character", "is {n} one of the {r} characters",
        "is {n}'s region {r}", "does {n} belong to {r}", "{n} is from {r} right",
        "is {n} {r}", "{n} comes from {r}", "is {n} a {r} native",
    ),
    "yesno.rarity": (
        "is {n} a {s} star", "is {n} {s} star", "is {n} a {s}-star character", "{n} {s} star", "is {n} {s}*",
        "is {n} a {s} star unit", "{n} is {s} stars right", "is {n} {s} stars", "{n} {s}*",
        "is {n} a {s} star character or not",
        "{n} is a {s} star", "is {n} {s} star rarity",
    ),
    "yesno.weapon_type": (
        "is {n} a {w}", "{n} {w}", "is {n} a {w} weapon", "can {w} users use {n}", "is {n} for {w} users",
        "is {n} a {w} or not", "{n} is a {w} right", "can i put {n} on a {w} user", "is {n} one of the {ws}",
    ),
}
# Whole questions with one fixed reply each (smalltalk intents).
SMALLTALK: dict[str, tuple[tuple[str, ...], str]] = {
    # intent: (phrasings, answer)
    "greeting": (
        ("hi", "hello", "hey", "hey there", "hello katheryne", "hi katheryne", "good morning", "good evening",
         "yo", "hiya", "greetings", "sup", "hey katheryne", "hello there", "howdy", "good afternoon", "heya"),
        "Hello, Traveler! Ask me anything about Genshin Impact characters, weapons or artifacts.",
    ),
    "thanks": (
        ("thanks", "thank you", "thx", "ty", "thanks a lot", "thank you so much", "thanks katheryne",
         "much appreciated", "tysm", "cheers", "thanks for the help", "appreciate it", "great thanks", "nice thanks"),
        "You're welcome! Happy to help.",
    ),
    "help": (
        ("help", "what can you do", "what do you know", "how do i use you", "what can i ask you",
         "what are you for", "commands", "what questions can you answer", "how does this work", "help me",
         "what can you tell me", "what kind of questions do you answer", "what can i ask", "usage"),
        "I can answer questions about Genshin Impact characters, weapons and artifact sets: elements, "
        "weapons, regions, birthdays, talents, passives and set bonuses.",
    ),
    "bye": (
        ("bye", "goodbye", "see you", "cya", "good night", "see ya later", "gotta go", "bye katheryne",
         "later", "farewell", "see you later", "night"),
        "Goodbye, Traveler! Ad astra abyssosque!",
    ),
    "identity": (
        ("who are you", "what are you", "what is your name", "whats your name", "are you a bot",
         "are you human", "introduce yourself", "who am i talking to", "what's your name", "who made you"),
        "I'm Katheryne, a bot that answers questions about Genshin Impact.",
    ),
}
# Questions outside the game data; all answered with the canonical "don't know" reply.
OFF_TOPIC = (
    "what's the weather today", "will it rain tomorrow", "who won the football game", "who won the world cup",
    "best formation in fifa", "how do i beat malenia in elden ring", "is minecraft better than terraria",
    "best valorant agent", "how to get good at league of legends", "who is the best honkai star rail character",
    "what's the capital of france", "tell me a joke", "recommend a movie", "how do i cook pasta",
    "what's the bitcoin price", "who is the president of the usa", "what is the meaning of life",
    "how tall is mount everest", "translate hello to spanish", "what time is it", "how old are you",
    "do you like pizza", "what's 17 times 23", "how do i fix my wifi", "best phone to buy", "write me a poem",
    "who will win the nba finals", "what's a good anime", "how to lose weight", "what stocks should i buy",
    "how far is the moon", "what does python do", "how do i install windows", "who is taylor swift",
    "what's the best pokemon", "how do i get to zelda's castle", "how many players in a soccer team",
    "what's the score of the game", "can you do my homework", "how do i make a discord server",
    "who is the strongest in one piece", "best league champion", "how to breed dragons in minecraft",
    "what's the population of china", "when is christmas", "how do vaccines work", "what is quantum physics",
    "recommend a book", "what's your favorite color", "what should i eat for dinner", "how do i train a dog",
    "is it going to snow", "who won the champions league", "best overwatch hero", "how to speedrun mario",
    "fortnite battle pass price", "what's the temperature outside", "how do planes fly", "what is love",
    "how to learn guitar", "how to tie a tie", "tell me the news", "who invented the internet",
    "how do i get rich", "what's the best car", "how to play chess", "best cod loadout",
    "what is the speed of light", "how do i bake bread", "what's trending on twitter",
)
QUESTIONS.update({f"smalltalk.{intent}": phrasings for intent, (phrasings, _) in SMALLTALK.items()})
QUESTIONS["unknown.off_topic"] = OFF_TOPIC

# Syllables for made-up names; data.py checks they never collide with real words.
NAME_SYLLABLES = (
    "zor", "vel", "kar", "mi", "tha", "rin", "dus", "quor", "bel", "nix", "sha", "lum", "tor", "ve",
    "ka", "zen", "ori", "pha", "gul", "ysa", "dro", "mer", "lis", "wen", "fal", "ir", "tus", "ma",
    "ren", "oth", "xal", "bry", "sol", "kev", "ula", "dor", "ny", "pel", "gri", "van", "sei", "ro",
)
FAKE_WEAPON_NOUNS = ("blade", "spear", "bow", "staff", "greatsword", "codex", "edge", "lance", "harp", "fang")
FAKE_TALENT_WORDS = ("art", "dance", "strike", "veil", "song", "oath", "storm", "glyph")
FAKE_SET_WORDS = ("dream", "oath", "chronicle", "reverie", "vow", "requiem", "echo")

ANSWERS: dict[str, str] = {
    "character.element": "{owner} element is {element}.",
    "character.weapon": "{name} wields a {weapon}.",
    "character.region": "{name} is from {region}.",
    "character.rarity": "{name} is a {rarity}-star character.",
    "character.title": "{owner} title is {title}.",
    "character.constellation": "{owner} constellation is {constellation}.",
    "character.birthday": "{owner} birthday is {birthday}.",
    "character.affiliation": "{name} is affiliated with {affiliation}.",
    "character.ascension": "{owner} ascension stat is {stat}.",
    "character.talent": "{owner} {kind} is {talent}: ",
    "character.passives": "{owner} passive talents are {names}.",
    "character.passive_ascension": "{talent} is {owner} Ascension {a} passive: ",
    "character.passive_other": "{talent} is one of {owner} passive talents: ",
    "traveler.element": "The Traveler can use {elements}. Ask about one, like the {example} Traveler.",
    "weapon.type": "{name} is a {type}.",
    "weapon.rarity": "{name} is a {rarity}-star weapon.",
    "weapon.substat": "{owner} substat is {substat}.",
    "weapon.passive": "{owner} passive is {passive}: ",
    "weapon.summary": "{name} is a {rarity}-star {type}{with_substat}.",
    "weapon.passive_platform": "{owner} passive is {passive} ({platform} only): ",
    "artifact.one_piece": "{name} (1-piece): ",
    "artifact.two_piece": "{name} (2-piece): ",
    "artifact.four_piece": "{name} (4-piece): ",
    "artifact.rarity": "{name} artifacts range from {low} to {high} stars.",
    "artifact.summary": "{name} is an artifact set of up to {high} stars. {pieces}-piece: ",
    "list.element": "{element} characters: {names}.",
    "list.weapon": "{weapon} users: {names}.",
    "list.region": "Characters from {region}: {names}.",
    "list.rarity": "{rarity}-star characters: {names}.",
    "list.element_weapon": "{element} {weapon} users: {names}.",
    "list.element_region": "{element} characters from {region}: {names}.",
    "list.weapons": "{rarity}-star {weapons}: {names}.",
    "count.element": "There are {count} {element} characters.",
    "count.weapon": "There are {count} {weapon} users.",
    "count.region": "There are {count} characters from {region}.",
    "meta.elements": "The seven elements are {names}.",
    "meta.weapon_types": "The five weapon types are {names}.",
    "meta.regions": "The characters I know come from {names}.",
    "yesno.element.yes": "Yes, {name} is {value}.",
    "yesno.element.no": "No, {name} is not {asked}; {owner} element is {value}.",
    "yesno.weapon.yes": "Yes, {name} wields a {value}.",
    "yesno.weapon.no": "No, {name} doesn't use a {asked}; {name} wields a {value}.",
    "yesno.region.yes": "Yes, {name} is from {value}.",
    "yesno.region.no": "No, {name} is not from {asked}; {name} is from {value}.",
    "yesno.rarity.yes": "Yes, {name} is a {value}-star character.",
    "yesno.rarity.no": "No, {name} is not a {asked}-star character; {name} is a {value}-star character.",
    "yesno.weapon_type.yes": "Yes, {name} is a {value}.",
    "yesno.weapon_type.no": "No, {name} is not a {asked}; {name} is a {value}.",
}


def summary_sentence(character: str, rarity: int | None, element: str | None, weapon: str | None,
                     region: str | None, title: str | None) -> str:
    """'Hu Tao is a 5-star Pyro Polearm user from Liyue, known as Fragrance in Thaw.' (parts optional)."""
    kind = " ".join(part for part in (f"{rarity}-star" if rarity else None, element, weapon) if part)
    text = f"{character} is a {kind} user" if weapon else f"{character} is a {kind or 'playable'} character"
    if region:
        text += f" from {region}"
    if title:
        text += f", known as {title}"
    return text + "."


def possessive(name: str) -> str:
    """Possessive form: "Venti's", "Amos' Bow's", but "Dodoco Tales'"."""
    return name + ("'" if name.endswith("s") else "'s")


@lru_cache(maxsize=1 << 17)
def tokens_of(text: str) -> tuple[str, ...]:
    """tokenize(), memoised: building the data set tokenizes the same answers and names many times."""
    return tuple(tokenize(text))


def count_tokens(text: str) -> int:
    """Length by the model's tokenizer, which is what the 64-token budget counts."""
    return len(tokens_of(text))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])")


def sentences(text: str) -> list[str]:
    """Split on sentence ends; decimals ("1.2%") and "0.2s." stay whole."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def fit_sentences(prefix: str, text: str, *, target: int = 40, stretch: int = 50, limit: int = 60) -> str | None:
    """`prefix` followed by as many whole sentences of `text` as fit in `target` tokens.

    The first sentence is always kept if the result stays within `limit`; a short first sentence
    (often flavour text, "Only an unwavering flame can...") may pull in the next one up to
    `stretch`, so the answer says what the talent does. None when not even one sentence fits.
    """
    parts = sentences(text)
    if not parts:
        return None
    chosen: list[str] = []
    for index, sentence in enumerate(parts):
        candidate = (prefix + " ".join([*chosen, sentence])).strip()
        size = count_tokens(candidate)
        short_so_far = count_tokens(" ".join(chosen)) < 15
        if size <= target or (index == 0 and size <= limit) or (index == 1 and short_so_far and size <= stretch):
            chosen.append(sentence)
        else:
            break
    if not chosen:
        return None
    answer = (prefix + " ".join(chosen)).strip()
    return answer if answer[-1] in ".!?" else answer + "."


def join_names(names: Sequence[str], *, prefix: str, suffix: str = ".", limit: int = 60) -> tuple[str, list[str]]:
    """'A, B and C' made to fit in `limit` tokens with `prefix`/`suffix` around it.

    Returns the joined text and the names actually shown; when the list is cut it ends with
    "and N more" instead of pretending to be complete.
    """
    names = list(names)
    for shown in range(len(names), 0, -1):
        head = names[:shown]
        rest = len(names) - shown
        if rest:
            text = ", ".join(head) + f" and {rest} more"
        elif len(head) > 1:
            text = ", ".join(head[:-1]) + " and " + head[-1]
        else:
            text = head[0]
        if count_tokens(prefix + text + suffix) <= limit:
            return text, head
    raise ValueError(f"no room for even one name after {prefix!r}")
