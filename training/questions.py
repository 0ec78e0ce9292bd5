"""How people ask: question patterns per fact family, smalltalk and off-topic questions.

Question patterns are grouped into families (one family per kind of fact, e.g. "character.element").
Placeholders: {n} entity name, {t} talent name, {e} element, {w} weapon type, {ws} its plural,
{r} region, {s} star count, {a} ascension phase. A pattern is used for a fact only when the fact
can fill all of its placeholders. Patterns are lowercase and terse on purpose: that is how people
type in Discord. The split (training/split.py) holds out whole patterns per family, so every
family needs enough of them to leave some unseen.
"""

from __future__ import annotations

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
# Phrasings added after the held-out split was fixed. They only ever go to train (training/split.py
# asks each fact with up to MORE_PHRASINGS of them, from a random stream of its own), so validation
# and test stay the same questions and a warm-started model never trains on a held-out phrasing.
# They give words people use for a fact (organization, homeland, autos, ...) that the family's
# training patterns lacked: a word-level model cannot read a word it never saw.
MORE_TRAIN_QUESTIONS: dict[str, tuple[str, ...]] = {
    "character.element": ("tell me the element of {n}", "hey, {n}'s vision", "{n} vision type"),
    "character.weapon": ("{n} fights with what weapon", "which kind of weapon is {n}'s",
                         "what weapon type should i give {n}"),
    "character.region": ("what is {n}'s homeland", "{n} born where", "tell me where {n} comes from"),
    "character.rarity": ("{n} how rare", "star count of {n}"),
    "character.title": ("{n} is called what", "does {n} have a title"),
    "character.constellation": ("what constellation does {n} have",),
    "character.birthday": ("b-day of {n}", "what month was {n} born", "which day is {n}'s b-day"),
    "character.affiliation": ("organization of {n}", "{n} is a member of which group", "{n} part of which faction",
                              "{n} works where", "who is {n} working for"),
    "character.ascension": ("what does {n} get on ascension", "which stat goes up when {n} ascends",
                            "what stat do you get when you ascend {n}"),
    "character.summary": ("quick rundown of {n}", "what's {n} like", "do you know {n}", "any information on {n}"),
    "character.normal_attack": ("basic attack of {n}", "{n} auto", "how do {n}'s autos work",
                                "what do {n}'s basic attacks do", "auto attack of {n}"),
    "character.elemental_burst": ("describe {n}'s q", "explain {n}'s burst", "burst of {n}"),
    "character.alternate_sprint": ("how does {t} work", "explain {n}'s sprint"),
    "character.passives": ("what passives does {n} have", "which are {n}'s passives", "{n} passives list"),
    "character.passive_ascension": ("a{a} of {n}", "{n} a{a} effect", "tell me about {n}'s a{a}"),
    "character.passive_other": ("{t} passive talent", "explain the {t} passive"),
    "weapon.type": ("who can equip {n}", "which characters can use {n}"),
    "weapon.rarity": ("what rarity does {n} have",),
    "weapon.substat": ("{n} gives what stat",),
    "weapon.passive": ("describe the {n} passive", "what does {n}'s passive do"),
    "weapon.summary": ("do you know {n}", "details on {n}", "explain the weapon {n}"),
    "artifact.one_piece": ("1 piece of {n}", "what is {n}'s 1 piece bonus"),
    "artifact.rarity": ("what's the highest rarity {n} can be", "how many stars does {n} go up to"),
    "artifact.summary": ("{n} artifact bonus", "what does the {n} artifact set do"),
    "list.element": ("show {e} characters", "the {e} characters", "{e} units list", "who has a {e} vision"),
    "list.weapon": ("characters that can use {ws}", "which characters can use a {w}"),
    "list.region": ("list all characters from {r}", "everyone who comes from {r}", "which characters are from {r}"),
    "list.rarity": ("list {s} star characters", "name {s} star characters", "{s} star character roster"),
    "list.element_weapon": ("which {e} characters use {ws}", "list {e} {w} users"),
    "list.element_region": ("which characters from {r} are {e}",),
    "list.weapons": ("every {s} star {w}", "which {s} star {w} weapons are there"),
    "count.element": ("number of {e} units", "how many {e} units"),
    "count.weapon": ("count the users of {ws}", "how many {w} users there are"),
    "count.region": ("total {r} characters", "how many characters are there from {r}"),
    "meta.elements": ("which elements are in genshin", "elements that exist"),
    "meta.weapon_types": ("what kinds of weapon types exist", "what weapon classes exist"),
    "meta.regions": ("list the nations", "which nations are there"),
    "yesno.element": ("is {n} an {e} unit", "{n} {e} element", "is the element of {n} {e}", "{n} {e} or not"),
    "yesno.weapon": ("{n} {w} user", "{n} is {w}", "is {n} {w} user", "{n} fights with a {w}",
                     "{n} carries a {w}"),
    "yesno.region": ("is {n} native to {r}", "{n} a {r} character", "{n} belongs to {r}",
                     "is {n} a character from {r}"),
    "yesno.rarity": ("is {n} a {s} star or not", "{n} a {s}-star character"),
    "yesno.weapon_type": ("is {n} made for {ws}", "can a {w} user equip {n}", "{n} is a {w} weapon",
                          "is {n} a {w} type weapon", "{n} works on {w} users"),
    "smalltalk.greeting": ("morning", "evening", "hi there"),
    "smalltalk.thanks": ("thanks so much", "appreciated"),
    "smalltalk.bye": ("goodbye katheryne", "cya later"),
    "smalltalk.help": ("what are your commands",),
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
