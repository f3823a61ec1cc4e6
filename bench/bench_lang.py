"""Language tagging: accuracy by text length and documents per second, for each backend and combination.

Evaluation data (nothing is downloaded):

- **sentences**: a hand-written set of 30 sentences in each of fr, en, ar, es, de, it, pt, nl, written
  for this benchmark (the same 30 news-like and everyday statements in each language, below in
  `SENTENCES`); **word pairs** (consecutive words of those sentences) and **single words** (their
  words of 4+ letters) are derived from them, leaving out any pair or word that also occurs in
  another language's sentences, then sampling at most 60 per language with a fixed seed.
- **faker words** (when the `faker` package is installed): the lorem word lists that faker ships
  for ar_AA, de_DE, en_US, es_ES, fr_FR, it_IT and nl_NL (frequency lists of real words; faker has
  none for Portuguese), 100 single words of 4+ letters and 100 random pairs per language, seeded.
- **documents**: MasakhaNEWS articles (`../shared/corpus/masakhanews.jsonl.gz`), the only real
  labelled documents here: `eng` and `fra` for accuracy; a seeded sample over all 16 of its
  languages for documents per second (the languages a real crawl meets, not only the 8 above).

Each backend runs in a child process of its own, so its model loading time and peak RSS are its own.
Prints a table and writes it into bench/RESULTS.md between `<!-- bench_lang -->` markers.

`--mixed [N]` measures something else, and only prints: the `lang` and `langs` that `cleaner run`'s pipeline
(default config) gives the clean text of MasakhaNEWS's articles (N spread over it, default all 20,168): how many `lang`s
are the article's language, and the languages other than it in `langs`, by the best score of their chunks;
`--show K` prints K such chunks a score band, seeded, to be read (a quote in English is right, a Yoruba headline
called Catalan is not).

    python bench/bench_lang.py [--docs 300] [--backends 'NAME;NAME...'] [--corpus PATH] [--no-write]
    python bench/bench_lang.py --mixed [N] [--show K] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_clean import at_least, command, corpus_lines, require, spread

LANGS = ("fr", "en", "ar", "es", "de", "it", "pt", "nl")
CORPUS = ROOT.parent / "shared" / "corpus" / "masakhanews.jsonl.gz"

SENTENCES: dict[str, list[str]] = {
    "fr": [
        "Le gouvernement a présenté mardi un nouveau projet de loi sur le logement.",
        "Les habitants du quartier se plaignent du bruit des travaux depuis des mois.",
        "Je voudrais réserver une table pour quatre personnes ce soir, s'il vous plaît.",
        "La ville a décidé de fermer la piscine municipale pendant tout l'été.",
        "Mon frère cherche un appartement près de la gare depuis le mois dernier.",
        "Les prix de l'énergie ont fortement augmenté au cours de l'année écoulée.",
        "Nous avons passé nos vacances au bord de la mer avec les enfants.",
        "Le match a été reporté à cause de la pluie qui tombait sans arrêt.",
        "Selon le ministre, la croissance devrait reprendre au deuxième semestre.",
        "Elle a oublié son parapluie dans le train en rentrant du travail.",
        "Les agriculteurs manifestent contre la baisse des prix du lait.",
        "Il faut absolument que tu goûtes le gâteau que ma grand-mère a préparé.",
        "La banque centrale a maintenu ses taux directeurs inchangés jeudi.",
        "Plusieurs écoles resteront fermées demain en raison de la tempête.",
        "Le festival attire chaque année des milliers de visiteurs venus de loin.",
        "Pourquoi est-ce que tu ne m'as pas appelé hier soir ?",
        "Les chercheurs ont découvert une nouvelle espèce de poisson dans le fleuve.",
        "Le tribunal a condamné l'ancien maire à deux ans de prison avec sursis.",
        "On se retrouve devant le cinéma vers huit heures et demie.",
        "L'entreprise prévoit de supprimer trois cents emplois d'ici la fin de l'année.",
        "Les supporters ont chanté pendant tout le match malgré la défaite.",
        "Ce livre raconte l'histoire d'une famille pendant la guerre.",
        "Le nombre de touristes étrangers a doublé en dix ans dans la région.",
        "Ils ont vendu leur maison pour s'installer à la campagne.",
        "La réunion du conseil municipal s'est terminée tard dans la nuit.",
        "Les syndicats appellent à une grève générale la semaine prochaine.",
        "J'ai besoin de plus de temps pour terminer ce rapport.",
        "Le musée expose pour la première fois les dessins du jeune peintre.",
        "Les pompiers sont intervenus rapidement pour éteindre l'incendie.",
        "Beaucoup de jeunes quittent les villages pour chercher du travail en ville.",
    ],
    "en": [
        "The government unveiled a new housing bill on Tuesday afternoon.",
        "Residents of the neighbourhood have complained about the noise for months.",
        "I would like to book a table for four people tonight, please.",
        "The city decided to close the public swimming pool for the whole summer.",
        "My brother has been looking for a flat near the station since last month.",
        "Energy prices rose sharply over the past year across the country.",
        "We spent our holidays by the sea with the children.",
        "The match was postponed because of the rain that would not stop.",
        "According to the minister, growth should pick up in the second half.",
        "She left her umbrella on the train on her way home from work.",
        "Farmers are protesting against the fall in milk prices.",
        "You really have to try the cake my grandmother baked this morning.",
        "The central bank kept its key interest rates unchanged on Thursday.",
        "Several schools will stay closed tomorrow because of the storm.",
        "The festival draws thousands of visitors from far away every year.",
        "Why didn't you call me last night?",
        "Researchers have discovered a new species of fish in the river.",
        "The court sentenced the former mayor to a two-year suspended prison term.",
        "Let's meet in front of the cinema at about half past eight.",
        "The company plans to cut three hundred jobs by the end of the year.",
        "The fans kept singing throughout the game despite the defeat.",
        "This book tells the story of a family during the war.",
        "The number of foreign tourists in the region has doubled in ten years.",
        "They sold their house to move to the countryside.",
        "The town council meeting ended late at night.",
        "The unions are calling for a general strike next week.",
        "I need more time to finish this report.",
        "The museum is showing the young painter's drawings for the first time.",
        "Firefighters arrived quickly and put out the blaze.",
        "Many young people leave the villages to look for work in the city.",
    ],
    "ar": [
        "كشفت الحكومة يوم الثلاثاء عن مشروع قانون جديد للسكن.",
        "يشتكي سكان الحي من ضجيج الأشغال منذ عدة أشهر.",
        "أود أن أحجز طاولة لأربعة أشخاص هذا المساء من فضلك.",
        "قررت البلدية إغلاق المسبح العمومي طوال فصل الصيف.",
        "يبحث أخي عن شقة قرب محطة القطار منذ الشهر الماضي.",
        "ارتفعت أسعار الطاقة بشكل كبير خلال السنة الماضية.",
        "قضينا عطلتنا على شاطئ البحر مع الأطفال.",
        "تم تأجيل المباراة بسبب الأمطار التي لم تتوقف.",
        "حسب الوزير، من المتوقع أن يعود النمو في النصف الثاني من السنة.",
        "نسيت مظلتها في القطار وهي عائدة من العمل.",
        "يحتج الفلاحون على انخفاض أسعار الحليب.",
        "يجب أن تتذوق الكعكة التي أعدتها جدتي.",
        "أبقى البنك المركزي على أسعار الفائدة دون تغيير يوم الخميس.",
        "ستبقى عدة مدارس مغلقة غدا بسبب العاصفة.",
        "يجذب المهرجان كل عام آلاف الزوار القادمين من بعيد.",
        "لماذا لم تتصل بي مساء أمس؟",
        "اكتشف الباحثون نوعا جديدا من الأسماك في النهر.",
        "حكمت المحكمة على رئيس البلدية السابق بالسجن سنتين موقوفة التنفيذ.",
        "لنلتق أمام السينما حوالي الساعة الثامنة والنصف.",
        "تعتزم الشركة إلغاء ثلاثمائة وظيفة قبل نهاية السنة.",
        "واصل المشجعون الغناء طوال المباراة رغم الهزيمة.",
        "يحكي هذا الكتاب قصة عائلة خلال الحرب.",
        "تضاعف عدد السياح الأجانب في المنطقة خلال عشر سنوات.",
        "باعوا منزلهم للانتقال إلى العيش في الريف.",
        "انتهى اجتماع المجلس البلدي في وقت متأخر من الليل.",
        "تدعو النقابات إلى إضراب عام الأسبوع المقبل.",
        "أحتاج إلى مزيد من الوقت لإنهاء هذا التقرير.",
        "يعرض المتحف رسومات الفنان الشاب لأول مرة.",
        "تدخل رجال الإطفاء بسرعة لإخماد الحريق.",
        "يغادر كثير من الشباب القرى بحثا عن العمل في المدينة.",
    ],
    "es": [
        "El gobierno presentó el martes un nuevo proyecto de ley sobre la vivienda.",
        "Los vecinos del barrio se quejan del ruido de las obras desde hace meses.",
        "Quisiera reservar una mesa para cuatro personas esta noche, por favor.",
        "El ayuntamiento decidió cerrar la piscina municipal durante todo el verano.",
        "Mi hermano busca un piso cerca de la estación desde el mes pasado.",
        "Los precios de la energía subieron mucho durante el último año.",
        "Pasamos las vacaciones en la playa con los niños.",
        "El partido se aplazó por la lluvia que no dejaba de caer.",
        "Según el ministro, el crecimiento debería recuperarse en el segundo semestre.",
        "Se dejó el paraguas en el tren cuando volvía del trabajo.",
        "Los agricultores protestan contra la bajada del precio de la leche.",
        "Tienes que probar la tarta que ha hecho mi abuela.",
        "El banco central mantuvo sin cambios los tipos de interés el jueves.",
        "Varias escuelas seguirán cerradas mañana a causa de la tormenta.",
        "El festival atrae cada año a miles de visitantes que vienen de lejos.",
        "¿Por qué no me llamaste anoche?",
        "Los investigadores han descubierto una nueva especie de pez en el río.",
        "El tribunal condenó al exalcalde a dos años de cárcel.",
        "Nos vemos delante del cine hacia las ocho y media.",
        "La empresa prevé recortar trescientos puestos de trabajo antes de fin de año.",
        "Los aficionados siguieron cantando durante todo el partido pese a la derrota.",
        "Este libro cuenta la historia de una familia durante la guerra.",
        "El número de turistas extranjeros se ha duplicado en diez años en la región.",
        "Vendieron su casa para irse a vivir al campo.",
        "La reunión del pleno municipal terminó muy tarde por la noche.",
        "Los sindicatos convocan una huelga general para la semana que viene.",
        "Necesito más tiempo para terminar este informe.",
        "El museo expone por primera vez los dibujos del joven pintor.",
        "Los bomberos llegaron enseguida y apagaron el incendio.",
        "Muchos jóvenes dejan los pueblos para buscar trabajo en la ciudad.",
    ],
    "de": [
        "Die Regierung hat am Dienstag einen neuen Gesetzentwurf zum Wohnungsbau vorgestellt.",
        "Die Anwohner beschweren sich seit Monaten über den Baulärm.",
        "Ich möchte bitte für heute Abend einen Tisch für vier Personen reservieren.",
        "Die Stadt hat beschlossen, das Freibad den ganzen Sommer über zu schließen.",
        "Mein Bruder sucht seit letztem Monat eine Wohnung in der Nähe des Bahnhofs.",
        "Die Energiepreise sind im vergangenen Jahr stark gestiegen.",
        "Wir haben unseren Urlaub mit den Kindern am Meer verbracht.",
        "Das Spiel wurde wegen des anhaltenden Regens verschoben.",
        "Nach Angaben des Ministers dürfte das Wachstum im zweiten Halbjahr wieder anziehen.",
        "Sie hat ihren Regenschirm auf dem Heimweg von der Arbeit im Zug vergessen.",
        "Die Bauern protestieren gegen die sinkenden Milchpreise.",
        "Du musst unbedingt den Kuchen probieren, den meine Oma gebacken hat.",
        "Die Zentralbank hat die Leitzinsen am Donnerstag unverändert gelassen.",
        "Wegen des Sturms bleiben morgen mehrere Schulen geschlossen.",
        "Das Festival zieht jedes Jahr Tausende Besucher von weit her an.",
        "Warum hast du mich gestern Abend nicht angerufen?",
        "Forscher haben im Fluss eine neue Fischart entdeckt.",
        "Das Gericht verurteilte den ehemaligen Bürgermeister zu zwei Jahren auf Bewährung.",
        "Treffen wir uns gegen halb neun vor dem Kino.",
        "Das Unternehmen will bis Ende des Jahres dreihundert Stellen streichen.",
        "Die Fans sangen trotz der Niederlage während des ganzen Spiels.",
        "Dieses Buch erzählt die Geschichte einer Familie während des Krieges.",
        "Die Zahl der ausländischen Touristen in der Region hat sich in zehn Jahren verdoppelt.",
        "Sie haben ihr Haus verkauft, um aufs Land zu ziehen.",
        "Die Sitzung des Gemeinderats endete spät in der Nacht.",
        "Die Gewerkschaften rufen für nächste Woche zu einem Generalstreik auf.",
        "Ich brauche mehr Zeit, um diesen Bericht fertigzustellen.",
        "Das Museum zeigt zum ersten Mal die Zeichnungen des jungen Malers.",
        "Die Feuerwehr war schnell vor Ort und löschte den Brand.",
        "Viele junge Leute verlassen die Dörfer, um in der Stadt Arbeit zu suchen.",
    ],
    "it": [
        "Il governo ha presentato martedì un nuovo disegno di legge sulla casa.",
        "Gli abitanti del quartiere si lamentano del rumore dei lavori da mesi.",
        "Vorrei prenotare un tavolo per quattro persone stasera, per favore.",
        "Il comune ha deciso di chiudere la piscina comunale per tutta l'estate.",
        "Mio fratello cerca un appartamento vicino alla stazione dal mese scorso.",
        "I prezzi dell'energia sono aumentati molto nell'ultimo anno.",
        "Abbiamo trascorso le vacanze al mare con i bambini.",
        "La partita è stata rinviata a causa della pioggia che non smetteva di cadere.",
        "Secondo il ministro, la crescita dovrebbe riprendere nel secondo semestre.",
        "Ha dimenticato l'ombrello sul treno tornando dal lavoro.",
        "Gli agricoltori protestano contro il calo del prezzo del latte.",
        "Devi assolutamente assaggiare la torta che ha fatto mia nonna.",
        "La banca centrale ha lasciato invariati i tassi di interesse giovedì.",
        "Domani diverse scuole resteranno chiuse a causa della tempesta.",
        "Il festival attira ogni anno migliaia di visitatori che arrivano da lontano.",
        "Perché non mi hai chiamato ieri sera?",
        "I ricercatori hanno scoperto una nuova specie di pesce nel fiume.",
        "Il tribunale ha condannato l'ex sindaco a due anni con la condizionale.",
        "Ci vediamo davanti al cinema verso le otto e mezza.",
        "L'azienda prevede di tagliare trecento posti di lavoro entro la fine dell'anno.",
        "I tifosi hanno continuato a cantare per tutta la partita nonostante la sconfitta.",
        "Questo libro racconta la storia di una famiglia durante la guerra.",
        "Il numero dei turisti stranieri nella regione è raddoppiato in dieci anni.",
        "Hanno venduto la loro casa per trasferirsi in campagna.",
        "La riunione del consiglio comunale si è conclusa a tarda notte.",
        "I sindacati hanno proclamato uno sciopero generale per la settimana prossima.",
        "Ho bisogno di più tempo per finire questa relazione.",
        "Il museo espone per la prima volta i disegni del giovane pittore.",
        "I vigili del fuoco sono intervenuti subito per spegnere l'incendio.",
        "Molti giovani lasciano i paesi per cercare lavoro in città.",
    ],
    "pt": [
        "O governo apresentou na terça-feira um novo projeto de lei sobre a habitação.",
        "Os moradores do bairro queixam-se do barulho das obras há meses.",
        "Queria reservar uma mesa para quatro pessoas esta noite, por favor.",
        "A câmara municipal decidiu fechar a piscina pública durante todo o verão.",
        "O meu irmão procura um apartamento perto da estação desde o mês passado.",
        "Os preços da energia subiram bastante no último ano.",
        "Passámos as férias na praia com as crianças.",
        "O jogo foi adiado por causa da chuva que não parava de cair.",
        "Segundo o ministro, o crescimento deverá retomar no segundo semestre.",
        "Ela esqueceu-se do guarda-chuva no comboio quando voltava do trabalho.",
        "Os agricultores protestam contra a descida do preço do leite.",
        "Tens mesmo de provar o bolo que a minha avó fez.",
        "O banco central manteve as taxas de juro inalteradas na quinta-feira.",
        "Várias escolas vão continuar fechadas amanhã por causa da tempestade.",
        "O festival atrai todos os anos milhares de visitantes vindos de longe.",
        "Porque é que não me ligaste ontem à noite?",
        "Os investigadores descobriram uma nova espécie de peixe no rio.",
        "O tribunal condenou o antigo presidente da câmara a dois anos de pena suspensa.",
        "Encontramo-nos em frente ao cinema por volta das oito e meia.",
        "A empresa pretende cortar trezentos postos de trabalho até ao fim do ano.",
        "Os adeptos continuaram a cantar durante todo o jogo apesar da derrota.",
        "Este livro conta a história de uma família durante a guerra.",
        "O número de turistas estrangeiros na região duplicou em dez anos.",
        "Venderam a casa para irem viver para o campo.",
        "A reunião da assembleia municipal terminou tarde da noite.",
        "Os sindicatos convocaram uma greve geral para a próxima semana.",
        "Preciso de mais tempo para acabar este relatório.",
        "O museu expõe pela primeira vez os desenhos do jovem pintor.",
        "Os bombeiros chegaram depressa e apagaram o incêndio.",
        "Muitos jovens deixam as aldeias para procurar trabalho na cidade.",
    ],
    "nl": [
        "De regering heeft dinsdag een nieuw wetsvoorstel over huisvesting gepresenteerd.",
        "De bewoners van de wijk klagen al maanden over het lawaai van de werkzaamheden.",
        "Ik wil graag een tafel reserveren voor vier personen vanavond.",
        "De gemeente heeft besloten het openluchtzwembad de hele zomer te sluiten.",
        "Mijn broer zoekt sinds vorige maand een appartement vlak bij het station.",
        "De energieprijzen zijn het afgelopen jaar flink gestegen.",
        "We hebben onze vakantie met de kinderen aan zee doorgebracht.",
        "De wedstrijd werd uitgesteld door de regen die maar bleef vallen.",
        "Volgens de minister zou de groei in de tweede helft van het jaar moeten aantrekken.",
        "Ze heeft haar paraplu in de trein laten liggen op weg naar huis.",
        "De boeren protesteren tegen de dalende melkprijzen.",
        "Je moet echt de taart proeven die mijn oma heeft gebakken.",
        "De centrale bank heeft de rente donderdag ongewijzigd gelaten.",
        "Door de storm blijven morgen verschillende scholen dicht.",
        "Het festival trekt elk jaar duizenden bezoekers van heinde en verre.",
        "Waarom heb je me gisteravond niet gebeld?",
        "Onderzoekers hebben in de rivier een nieuwe vissoort ontdekt.",
        "De rechtbank veroordeelde de voormalige burgemeester tot twee jaar voorwaardelijk.",
        "Laten we om half negen voor de bioscoop afspreken.",
        "Het bedrijf wil voor het einde van het jaar driehonderd banen schrappen.",
        "De supporters bleven ondanks de nederlaag de hele wedstrijd zingen.",
        "Dit boek vertelt het verhaal van een gezin tijdens de oorlog.",
        "Het aantal buitenlandse toeristen in de regio is in tien jaar verdubbeld.",
        "Ze hebben hun huis verkocht om op het platteland te gaan wonen.",
        "De vergadering van de gemeenteraad eindigde laat in de nacht.",
        "De vakbonden roepen op tot een algemene staking volgende week.",
        "Ik heb meer tijd nodig om dit rapport af te maken.",
        "Het museum toont voor het eerst de tekeningen van de jonge schilder.",
        "De brandweer was snel ter plaatse en bluste de brand.",
        "Veel jongeren verlaten de dorpen om in de stad werk te zoeken.",
    ],
}

DEFAULT_BACKENDS = (
    "langdetect",
    "fasttext",
    "lingua",
    "lingua-low",
    "lingua:" + ",".join(LANGS),
    "fasttext>lingua@0.5/40",
    "fasttext>lingua~3@0.5/40",
    "fasttext>lingua~5@0.5/40",
    "fasttext>lingua~8@0.5/40",
    "fasttext>lingua@0.5/60",
    "fasttext>lingua@0.5/200",
    "fasttext>lingua@0.8/200",
    "fasttext>lingua@0.5/0",
    "fasttext>lingua-low@0.5/200",
    "fasttext>langdetect@0.5/200",
    "fasttext>lingua:" + ",".join(LANGS) + "@0.5/200",
    "lingua|fasttext@50",
    "fasttext>lingua-low@0.3/0",
    "fasttext>lingua~5>lingua-low@0.3/0",
    "cld2",
    "cld2+fasttext",
    "cld2+fasttext>lingua~5@0.5/40",
    "cld2+fasttext>lingua~5@0.5/100",
)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _sample(items, n: int, seed: str) -> list:
    items = sorted(set(items))
    return random.Random(seed).sample(items, min(n, len(items)))


def evalsets() -> dict[str, list[tuple[str, str]]]:
    """name -> [(text, lang)], built deterministically."""
    words = {lang: [w.lower() for s in sents for w in _words(s)] for lang, sents in SENTENCES.items()}
    pairs = {lang: [f"{a} {b}" for s in sents for a, b in zip(_words(s), _words(s)[1:])]
             for lang, sents in SENTENCES.items()}

    def unique(table: dict[str, list[str]]) -> dict[str, set[str]]:
        seen: dict[str, set[str]] = {}
        for lang, items in table.items():
            for item in items:
                seen.setdefault(item.lower(), set()).add(lang)
        return {lang: {i for i in items if len(seen[i.lower()]) == 1} for lang, items in table.items()}

    upairs, uwords = unique(pairs), unique({k: [w for w in v if len(w) >= 4] for k, v in words.items()})
    sets = {
        "sentences": [(s, lang) for lang in LANGS for s in SENTENCES[lang]],
        "word pairs": [(p, lang) for lang in LANGS for p in _sample(upairs[lang], 60, f"pairs-{lang}")],
        "single words": [(w, lang) for lang in LANGS for w in _sample(uwords[lang], 60, f"words-{lang}")],
    }
    faker = faker_words()
    if faker:
        fw = unique({k: [w for w in v if len(w) >= 4 and " " not in w] for k, v in faker.items()})
        sets["faker words"] = [(w, lang) for lang in faker for w in _sample(fw[lang], 100, f"fw-{lang}")]
        sets["faker pairs"] = []
        for lang, vocab in faker.items():
            rng, vocab = random.Random(f"fp-{lang}"), sorted(set(vocab))
            sets["faker pairs"] += [(f"{rng.choice(vocab)} {rng.choice(vocab)}", lang) for _ in range(100)]
    return sets


def faker_words() -> dict[str, list[str]]:
    """faker's lorem word lists for the target languages it has (none when faker is not installed)."""
    import importlib

    out = {}
    for lang, locale in (("fr", "fr_FR"), ("en", "en_US"), ("ar", "ar_AA"), ("es", "es_ES"), ("de", "de_DE"),
                         ("it", "it_IT"), ("nl", "nl_NL")):
        try:
            module = importlib.import_module(f"faker.providers.lorem.{locale}")
        except ImportError:
            return {}
        out[lang] = [w for w in module.Provider.word_list if w.strip()]
    return out


MASAKHANEWS_ISO = {"amh": "am", "eng": "en", "fra": "fr", "hau": "ha", "ibo": "ig", "lin": "ln", "lug": "lg", "orm": "om",
                   "pcm": "pcm", "run": "rn", "sna": "sn", "som": "so", "swa": "sw", "tir": "ti", "xho": "xh", "yor": "yo"}
"""MasakhaNEWS's language labels as the ISO 639-1 codes the taggers answer (Nigerian Pidgin has none)."""
PER_LANG_DOCS = 25
"""MasakhaNEWS documents per language in the 16-language accuracy set."""
PER_LANG_HEADLINES = 100
"""MasakhaNEWS headlines per language in the 16-language set of short texts."""


def headlines(corpus: Path) -> list[tuple[str, str]]:
    """`PER_LANG_HEADLINES` MasakhaNEWS headlines of each of its 16 languages (an article's first line), seeded: real
    short texts (80 % of them under 79 letters), labelled, in languages the hand-written sets do not have."""
    by_lang: dict[str, list[str]] = {}
    for record in map(json.loads, corpus_lines(corpus)):
        by_lang.setdefault(record["lang"], []).append(record["text"].split("\n", 1)[0].strip())
    return [(text, MASAKHANEWS_ISO[lang]) for lang in sorted(by_lang)
            for text in random.Random(f"headline-{lang}").sample(by_lang[lang], PER_LANG_HEADLINES)]


def corpus_docs(corpus: Path, n: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[str]]:
    """(labelled eng/fra docs for accuracy, `PER_LANG_DOCS` labelled docs of each of the 16 languages,
    a seeded all-language sample for speed)."""
    labelled: dict[str, list[tuple[str, str]]] = {"en": [], "fr": []}
    by_lang: dict[str, list[tuple[str, str]]] = {}
    everything: list[str] = []
    for record in map(json.loads, corpus_lines(corpus)):
        everything.append(record["text"])
        by_lang.setdefault(record["lang"], []).append((record["text"], MASAKHANEWS_ISO[record["lang"]]))
        code = {"eng": "en", "fra": "fr"}.get(record["lang"])
        if code and len(labelled[code]) < n // 2:
            labelled[code].append((record["text"], code))
    sixteen = [doc for lang in sorted(by_lang) for doc in random.Random(f"lang-{lang}").sample(by_lang[lang], PER_LANG_DOCS)]
    return labelled["en"] + labelled["fr"], sixteen, random.Random("speed").sample(everything, n)


BANDS = (0.3, 0.5, 0.7, 0.9)
"""Where the score bands of `--mixed` part."""


def band(score: float) -> str:
    """The band of `BANDS` that `score` is in: `<0.3`, `0.3-0.5`, ..., `≥0.9`."""
    below = next((i for i, edge in enumerate(BANDS) if score < edge), len(BANDS))
    if below == 0:
        return f"<{BANDS[0]}"
    return f"≥{BANDS[-1]}" if below == len(BANDS) else f"{BANDS[below - 1]}-{BANDS[below]}"


def mixed(corpus: Path, limit: int, show: int) -> str:
    """`--mixed`: the languages `cleaner run` finds in MasakhaNEWS's clean articles (see the module doc)."""
    from cleaner.api import pipeline_for
    from cleaner.config import Config
    from cleaner.models import Cleaned

    pipe = pipeline_for(Config())
    records = [json.loads(line) for line in corpus_lines(corpus)]
    records = spread(records, limit) if limit else records
    right, with_langs, other_docs = Counter(), 0, 0
    pairs: Counter = Counter()
    chunks_by_band: dict[str, list[str]] = {}
    for start in range(0, len(records), 64):
        batch = records[start:start + 64]
        done = [(r, d) for r, d in zip(batch, pipe.prepare_many(batch, gates=False)) if isinstance(d, Cleaned)]
        for (record, doc), found in zip(done, pipe.tagger.readings([d.text for _, d in done])):
            own = MASAKHANEWS_ISO[record["lang"]]
            right[own] += doc.lang == own
            with_langs += doc.langs is not None
            others = [code for code in doc.langs or () if code != own and (own, code) != ("pcm", "en")]
            other_docs += bool(others)
            for code in others:
                pairs[own, code, band(max(score for _, _, lang, score, _ in found if lang == code))] += 1
                for text, _, lang, score, _ in found:
                    if lang == code:
                        chunks_by_band.setdefault(band(score), []).append(
                            f"  {record['id']} {code} {score:.2f}: {' '.join(text.split())[:110]}")
    bands = [band(edge) for edge in (0.0, *BANDS)]
    per_band = Counter()
    for (_, _, where), n in pairs.items():
        per_band[where] += n
    lines = [f"{len(records):,} MasakhaNEWS articles, clean text tagged by the pipeline ({pipe.tagger.name}): "
             f"`lang` right {sum(right.values()):,} (" + ", ".join(f"{c} {n}" for c, n in sorted(right.items())) + ")",
             f"`langs` on {with_langs:,}; a language other than the article's (`en` is Nigerian Pidgin's) on "
             f"{other_docs:,}, {sum(pairs.values()):,} (article, language) pairs; by their chunks' best score:",
             "  " + ", ".join(f"{b} {per_band[b]:,}" for b in bands),
             "most frequent (article's language, other language, band):",
             *(f"  {own} {code} {where}: {n}" for (own, code, where), n in pairs.most_common(30))]
    for where in bands if show else ():
        found_here = chunks_by_band.get(where, [])
        lines += [f"chunks {where} ({len(found_here):,}), {show} of them:",
                  *random.Random(where).sample(found_here, min(show, len(found_here)))]
    return "\n".join(lines)


def run_one(name: str, n_docs: int, corpus: Path) -> dict:
    """Measure one backend in this process (called in a child process by `main`)."""
    from cleaner.lang import make_tagger

    start = time.perf_counter()
    tagger = make_tagger(name)
    tagger.tag("Ceci est un petit texte pour charger le modèle.")
    load_s = time.perf_counter() - start
    out: dict = {"name": tagger.name, "load_s": load_s, "acc": {}, "per_lang": {}}
    for set_name, items in evalsets().items():
        start = time.perf_counter()
        hits = [tagger.tag(text).lang == lang for text, lang in items]
        out["acc"][set_name] = sum(hits) / len(hits)
        out.setdefault("items_s", {})[set_name] = len(items) / (time.perf_counter() - start)
        per = {}
        for (_, lang), hit in zip(items, hits):
            per.setdefault(lang, []).append(hit)
        out["per_lang"][set_name] = {lang: sum(v) / len(v) for lang, v in per.items()}
    labelled, sixteen, sample = corpus_docs(corpus, n_docs)
    out["acc"]["news docs (en, fr)"] = sum(tagger.tag(t).lang == lang for t, lang in labelled) / len(labelled)
    titles = headlines(corpus)
    out["acc"]["news headlines (16 langs)"] = sum(tagger.tag(t).lang == lang for t, lang in titles) / len(titles)
    hits = [(lang, tagger.tag(t).lang == lang) for t, lang in sixteen]
    out["acc"]["news docs (16 langs)"] = sum(hit for _, hit in hits) / len(hits)
    out["per_lang"]["news docs (16 langs)"] = {lang: sum(h for code, h in hits if code == lang) / PER_LANG_DOCS
                                               for lang in MASAKHANEWS_ISO.values()}
    out["knows"] = sorted(code for code in MASAKHANEWS_ISO.values() if code in tagger.backend.codes())
    for text in sample[:20]:
        tagger.tag(text)  # warm (lingua loads models lazily, per script met)
    seconds = float("inf")
    for _ in range(3):  # best of three passes: the machine is shared, the fastest pass is the least disturbed
        start = time.perf_counter()
        for text in sample:
            tagger.tag(text)
        seconds = min(seconds, time.perf_counter() - start)
    out["docs_s"] = len(sample) / seconds
    out["mb_s"] = sum(len(t.encode()) for t in sample) / 1e6 / seconds
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=at_least(2), default=300,
                        help="news documents for speed, half of them English and half French for accuracy (2 at least)")
    parser.add_argument("--backends", default=";".join(DEFAULT_BACKENDS),
                        help="backend names separated by ';'")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    parser.add_argument("--mixed", type=int, nargs="?", const=0, metavar="N",
                        help="only print the other languages in the langs of N MasakhaNEWS articles (all)")
    parser.add_argument("--show", type=int, default=0, metavar="K", help="with --mixed: K chunks a score band")
    args = parser.parse_args()
    require(args.corpus)
    if args.mixed is not None:
        print(mixed(args.corpus, args.mixed, args.show))
        return
    if args.one:
        print(json.dumps(run_one(args.one, args.docs, args.corpus)))
        return

    corpus_lines(args.corpus)  # a file gzip cannot read ends the bench here, in one line, not once per backend
    names = [n for n in args.backends.split(";") if n.strip()]
    results = []
    for name in names:
        proc = subprocess.run([sys.executable, __file__, "--one", name, "--docs", str(args.docs),
                               "--corpus", str(args.corpus)], capture_output=True, text=True)
        if proc.returncode != 0:
            print(f"{name}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            continue
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(f"measured {name}", file=sys.stderr)
    if not results:
        raise SystemExit("no backend could be measured (names are separated by ';': see above)")
    set_names = list(results[0]["acc"])
    baseline = next((r["docs_s"] for r in results if r["name"] == "langdetect"), None)
    head = ["backend", *set_names, "docs/s", "× langdetect", "MB/s", "words/s", "load s", "peak RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for r in results:
        cells = [f"`{r['name']}`", *(f"{r['acc'][s]:.3f}" for s in set_names), f"{r['docs_s']:,.0f}",
                 f"{r['docs_s'] / baseline:.1f}" if baseline else "-", f"{r['mb_s']:.2f}",
                 f"{r['items_s']['single words']:,.0f}", f"{r['load_s']:.1f}",
                 f"{r['rss_mb']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    per_lang = ["| backend | set | " + " | ".join(LANGS) + " |", "|---|---|" + "---:|" * len(LANGS)]
    for r in results:
        for s in ("sentences", "word pairs", "single words"):
            per_lang.append(f"| `{r['name']}` | {s} | "
                            + " | ".join(f"{r['per_lang'][s].get(lang, float('nan')):.2f}" for lang in LANGS) + " |")
    african = list(MASAKHANEWS_ISO.values())
    per_doc = ["| backend | " + " | ".join(african) + " |", "|---|" + "---:|" * len(african)]
    for r in results:
        per_doc.append(f"| `{r['name']}` | " + " | ".join(
            f"{r['per_lang']['news docs (16 langs)'][code]:.2f}" if code in r["knows"] else "–" for code in african) + " |")
    sets = evalsets()
    counts = ", ".join(f"{name} {len(items)}" for name, items in sets.items())
    by_name = {r["name"]: r for r in results}
    default, unbounded = by_name.get("fasttext>lingua~5@0.5/40"), by_name.get("fasttext>lingua@0.5/40")
    if default and unbounded:
        price = (f"~{default['rss_mb']:,.0f} MB peak here against ~{unbounded['rss_mb']:,.0f} MB for `fasttext>lingua`, "
                 "whose unrestricted lingua loads every Latin-script language for one short text. The price is CPU "
                 "on short texts: models are loaded again after they were unloaded (~0.3-0.4 s a language), hence "
                 f"{default['items_s']['single words']:,.0f} single words a second against "
                 f"{unbounded['items_s']['single words']:,.0f} once the unrestricted lingua has loaded all it needs.")
    else:
        price = "(run with both `fasttext>lingua~5@0.5/40` and `fasttext>lingua@0.5/40` for its memory and CPU against the unbounded cascade)."
    new, old = by_name.get("cld2+fasttext>lingua~5@0.5/100"), default
    capped = by_name.get("cld2+fasttext>lingua~5@0.5/40")
    singles = [r for r in results if r["name"] in ("langdetect", "fasttext", "lingua", "lingua-low", "cld2")]
    if new and singles:
        behind = [f"{s} ({new['acc'][s]:.3f} against {max(r['acc'][s] for r in singles):.3f})" for s in set_names
                  if new["acc"][s] < max(r["acc"][s] for r in singles)]
        best = ("It is at or above the best single unrestricted backend on every set"
                + (f" but {', '.join(behind)}." if behind else "."))
    else:
        best = ""
    if new and capped:
        best += (" With the cap of 40 letters it had until session 44 (`cld2+fasttext>lingua~5@0.5/40`, which asked "
                 f"lingua about whole documents under 40 letters only): "
                 f"sentences {capped['acc']['sentences']:.3f} against "
                 f"{new['acc']['sentences']:.3f}, headlines {capped['acc']['news headlines (16 langs)']:.3f} against "
                 f"{new['acc']['news headlines (16 langs)']:.3f}, the other sets "
                 + ("the same" if all(capped["acc"][s] == new["acc"][s] for s in set_names
                                      if s not in ("sentences", "news headlines (16 langs)")) else "as the table shows")
                 + f", and {capped['docs_s']:,.0f} against {new['docs_s']:,.0f} documents a second (no news document "
                 "is that short).")
    if new and old:
        same = [s for s in set_names if s != "news docs (16 langs)" and new["acc"][s] == old["acc"][s]]
        better = [s for s in set_names if s != "news docs (16 langs)" and new["acc"][s] > old["acc"][s]]
        fast = [r["docs_s"] for r in results if r["name"] == "fasttext" or (r["name"].startswith("fasttext>") and r["name"].endswith("@0.5/40"))]
        change = (f"Against `fasttext>lingua~5@0.5/40` (the default before CLD2), it is the same on {len(same)} of the "
                  f"{len(set_names) - 1} other sets" + (f" and better on {' and '.join(better)}" if better else "")
                  + f", {new['acc']['news docs (16 langs)']:.3f} against "
                  f"{old['acc']['news docs (16 langs)']:.3f} on the 16 languages, and reads "
                  f"{new['docs_s']:,.0f} documents a second against {old['docs_s']:,.0f}. The rows that do "
                  f"fastText's work on these documents and no more (`fasttext`, `fasttext>…@0.5/40`) range from "
                  f"{min(fast):,.0f} to {max(fast):,.0f} in this run: docs/s compares rows only roughly (CLD2 spares "
                  "fastText the chunks it is sure of and costs ~45 µs for a paragraph of a French page, ~120 µs for one "
                  "of 1,700 characters; the README gives an alternating "
                  "measurement).")
    else:
        change = ""
    body = "\n".join([
        f"## Language tagging (`{command(parser, args, 'docs', 'backends', 'corpus')}`)",
        "",
        f"Accuracy of `Tagger.tag(text).lang` per evaluation set ({counts} items; news docs "
        f"{args.docs // 2} eng + {args.docs // 2} fra MasakhaNEWS articles), and documents per second "
        f"on {args.docs} MasakhaNEWS articles sampled over its 16 languages (~2.5 kB each), one process, "
        "one core, best of three passes. `words/s`: single words tagged per second (one pass, in the set's "
        "order; most of them are what a cascade's second backend reads). Each backend in a fresh process: "
        "`load s` is building it and its first call, `peak RSS MB` the process's whole peak.",
        "",
        "Data: the sentence, word-pair and single-word sets are **hand-written for this benchmark** "
        "(30 sentences per language, the same statements in the 8 languages; pairs and words derived from "
        "them, see the script's doc); `faker words`/`faker pairs` are the lorem word lists the faker "
        "package ships (7 languages, no Portuguese); `news headlines (16 langs)` are real short texts, "
        f"{PER_LANG_HEADLINES} MasakhaNEWS headlines of each of its 16 languages (an article's first line, seeded; "
        "80 % of them under 79 letters); English and French are measured on whole documents, and the 16 "
        "languages on a few (below).",
        "",
        *lines,
        "",
        "Names: `A>B@t/n` asks B when A scores under t on a text of fewer than n letters (`/0`: any "
        "length; a paragraph of a document tagged in several chunks counts the whole document's letters); "
        "`A>lingua~k` has lingua choose only among the first k languages of A's ranking for the "
        "text (with at most `LINGUA_BUDGET`, 8, languages' models held: the least recently used unloaded when a "
        "text needs others); `A|B@n` sends texts under n letters to A; `lingua:codes` is lingua restricted to those "
        "languages (it can then only answer one of them, so it is not comparable with the unrestricted "
        "backends on this 8-language set, and wrong for a crawl that holds other languages).",
        "",
        "**Default: `cld2+fasttext>lingua~5`** (`cld2+fasttext>lingua~5@0.5/100`): CLD2 reads every chunk of 40 "
        "letters or more, and its sure answers stand (90 % of the bytes or more, in a language other than English: "
        "CLD2 gives English the bytes of English names and titles inside other text); fastText reads the rest, "
        "and CLD2's answer, where it has one, replaces fastText's when fastText scores under 0.5 or does not know "
        "that language (Hausa, Igbo, Oromo, Tigrinya, ...); a whole document under 100 letters (a headline, a "
        "sentence; never a paragraph of a longer one) that fastText scores under 0.5 goes to lingua, which chooses "
        "only among the first 5 languages of fastText's ranking that it knows and fastText finds at least 1 % as "
        "likely as its best. " + change + " Its memory is bounded: "
        "the process holds at most 8 languages' models (`LINGUA_BUDGET`), " + price + " " + best + " `~8` is more "
        "accurate still on short texts but loads its 8 languages at nearly every "
        "call (~0.9 s) and peaks higher; `~3` is cheaper and weaker. On the 300 news documents lingua was not "
        "called once; `cld2+fasttext` needs no lingua at all (same accuracy on sentences and documents, weaker "
        "on short texts).",
        "",
        "<details><summary>Accuracy per language</summary>",
        "",
        *per_lang,
        "",
        "</details>",
        "",
        f"**News documents in 16 languages** (`news docs (16 langs)`: {PER_LANG_DOCS} MasakhaNEWS articles of each "
        "language, seeded; `–`: the backend does not know the language, so every one of its documents counts as "
        "wrong). fastText's small model knows Somali and Yoruba but calls most Somali articles English and most "
        "Yoruba ones Tagalog, Irish or Waray, with low scores (0.1-0.3); lingua knows them, and Xhosa, Shona and "
        "Ganda besides. `fasttext>lingua~5>lingua-low@0.3/0` adds to the default one step: a chunk of any length "
        "that still scores under 0.3 goes to lingua's low-accuracy mode (trigrams, all its languages: ~70 MB, "
        "loaded once). It gets Somali, Xhosa, Shona and Ganda right, Yoruba more often, and leaves the short-text sets as they were (a single word of "
        "480 and a faker word of 700 differ), at a price that depends on the corpus: none on English and French news, "
        "where fastText is sure (3,028 against 2,984 docs/s on 600 of those articles, measured apart), but on a sample "
        "like this one, where fastText doubts most of the text, lingua reads it: see docs/s. CLD2 knows 15 of the "
        "16 (not Nigerian Pidgin, which has no code of its own) and gets all but Kirundi right, at a fraction of "
        "that cost: it calls most Kirundi articles Kinyarwanda, a language close to it. That is why the default has it.",
        "",
        *per_doc,
    ])
    print(body)
    if not args.no_write:
        from bench_clean import write_section

        write_section("bench_lang", body)


if __name__ == "__main__":
    main()
