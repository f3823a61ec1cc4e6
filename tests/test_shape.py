"""The `shape` kind: line features, jusText's context pass on lines, its place in the engine, its switches."""

from __future__ import annotations

import json

import pytest
from inscriptis import get_text

from cleaner import Cleaner, Config, Document, replay
from cleaner.config import ConfigError
from cleaner.engine import run_rules
from cleaner.kinds import Context
from cleaner.kinds.shapefeatures import line_features, stoplist_for
from cleaner.text import line_key

PROSE = "Les agriculteurs de la région ont récolté cette année plus de blé que prévu, grâce à un printemps pluvieux."
MORE = "Les coopératives craignent pourtant que l'abondance fasse baisser les prix d'achat dès l'automne."
MENU = "* Accueil\n* Politique\n* Économie\n* Sport\n* Culture"
FOOTER = "© 2024 Le Courrier du Sud – Mentions légales – Contact"


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(Config.load())


def shape_edits(out) -> list:
    return [e for e in out.edits if e.rule == "shape"]


def test_features_of_a_breadcrumb_and_of_prose():
    crumb = line_features("Accueil » Économie › Agriculture | Blé", "French")
    assert crumb.words == 7 and crumb.links == pytest.approx(3 / 7) and not crumb.sentence
    assert crumb.stopwords == 0 and crumb.capitals == 1.0
    prose = line_features(PROSE, "French")
    assert prose.sentence and prose.links == 0 and prose.stopwords > 0.3 and prose.capitals < 0.1
    quoted = line_features("Il a dit « non » puis « oui » devant les députés, selon l'agence.", "French")
    assert quoted.links == 0  # closing guillemets pair with opening ones: not breadcrumbs
    assert line_features("a-t-il conclu, selon Jérôme Jarre. »", "French").links == 0  # a quote closed at the end
    assert line_features("| Peur | 12 % | 16 % | 11,5 % |", "French").links == 0  # a table row
    assert line_features("=> Niveau de vie", "French").links == 0
    dated = line_features("+ lomessa | 15 avril 2014 à 22 h 42 min", "French")
    assert dated.digits == pytest.approx(4 / 9) and dated.links == pytest.approx(1 / 11)


def test_stoplist_by_language_or_guessed_from_the_text():
    assert stoplist_for("whatever", "fr") == "French"
    assert stoplist_for("The council voted on Tuesday to approve the budget of the city.", None) == "English"
    assert stoplist_for(PROSE + " " + MORE, None) == "French"
    assert stoplist_for("El gobierno anunció este martes un plan de inversión para la red del país.", None) == "Spanish"
    assert stoplist_for("12345 67890", None) == "none"


ENGLISH = "You read enough books in which people like you are disposable, or are dirt, or are silent, absent."


@pytest.mark.parametrize(
    "text, prose",
    [
        (f"{PROSE}\n{MENU}\n\n{FOOTER}", PROSE),  # first line
        (f"{MENU}\n\n{PROSE}", PROSE),  # last line
        (f"#agriculture #blé #récolte\n{PROSE}\nImprimer | Envoyer | Commenter", PROSE),  # between two bad lines
        (f"{MENU}\n{PROSE}\n* Contact\n* Plan du site\n* Mentions\n\n{FOOTER}", PROSE),  # inside the menu's block
        (f"{PROSE}\n\n{MORE}\n\n#agriculture #blé\n{ENGLISH}\n#récolte #météo\n{FOOTER}", ENGLISH),  # another language
    ],
    ids=["top", "bottom", "between-bad", "inside-a-list-block", "another-language"],
)
def test_prose_is_never_removed_wherever_it_sits(cleaner, text, prose):
    out = cleaner.clean(Document(id="t", text=text))
    assert prose in out.text
    assert shape_edits(out), "the noise around it should go, or this test proves nothing"
    assert not any(noise in out.text for noise in ("Accueil", "#agriculture", "©"))


def test_short_lines_between_content_stay_and_between_boilerplate_go(cleaner):
    text = f"{MENU}\nNewsletter\n\n{PROSE}\n\nUne récolte record\n\n{MORE}\n\nÀ lire\nPartager\n{FOOTER}"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"{PROSE}\n\nUne récolte record\n\n{MORE}"
    assert replay(text, out.edits) == out.text


def test_a_run_of_removed_lines_leaves_no_blank_line(cleaner):
    """QA pass (fr-pages 430): after the first line of a run, each removed line left its newline, so a text without
    blank lines (trafilatura's, a paragraph a line) got one where a run went: 10 on that page."""
    noise = ["#agriculture #blé #récolte", "Imprimer | Envoyer | Commenter", "https://www.example.com/a/b?x=1"]
    text = "\n".join([PROSE, *noise, MORE, *noise])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"{PROSE}\n{MORE}"
    assert replay(text, out.edits) == out.text


def test_the_context_pass_gives_justexts_classes_in_time_linear_in_the_lines():
    """jusText's context pass looked for each short line's nearest good or bad neighbour from the line, in time in the
    square of a run of short lines (64,000 characters of "Le Journal" lines before prose took 1.3 s, session 47). Ours
    gives its classes to 20,000 random runs of lines of every class, heading or not, short or long (the heading steps
    count characters), and a run of 20,000 short lines takes it well under 20 times what 2,000 do."""
    import random
    import time

    from justext.core import revise_paragraph_classification

    from cleaner.kinds.shape import Verdict, context_pass

    features = line_features("x", "French")
    rnd = random.Random(47)

    def lines(classes: list[str], heading: list[bool], sizes: list[int]) -> list[Verdict]:
        return [Verdict("x" * n, features, c, "", h) for c, h, n in zip(classes, heading, sizes)]

    for _ in range(20_000):
        n = rnd.randint(1, 12)
        classes = rnd.choices(["good", "bad", "short", "neargood"], k=n)
        heading, sizes = rnd.choices([True, False], k=n), [rnd.choice([1, 40, 150, 201]) for _ in range(n)]
        ours, theirs = lines(classes, heading, sizes), lines(classes, heading, sizes)
        context_pass(ours, 200)
        revise_paragraph_classification(theirs, 200)
        assert [v.class_type for v in ours] == [v.class_type for v in theirs], (classes, heading, sizes)

    def seconds(n: int) -> float:
        run = lines(["good"] + ["short"] * n + ["bad"], [False] * (n + 2), [10] * (n + 2))
        start = time.process_time()
        context_pass(run, 200)
        return time.process_time() - start

    assert seconds(20_000) < 20 * seconds(2_000) + 0.05


@pytest.mark.parametrize("heading", ["#1 Les pronoms", "## Une récolte record", "§ 3. Les exceptions", "- 2 - Le budget"])
def test_a_marked_or_numbered_heading_before_content_stays(cleaner, heading):
    """A heading may start with a mark ("#1 Les pronoms" of a numbered list of sections): it was read as
    not capitalised, so on a page with one bad line it went as boilerplate."""
    text = f"{PROSE}\n\nhttps://www.example.com/a/b?x=1\n\n{heading}\n\n{MORE}"
    out = cleaner.clean(Document(id="t", text=text))
    assert heading in out.text and "https://" not in out.text, out.text


RESOURCES = [
    "Associations",
    "– https://www.example.org/blog/2018/04/17/la-neurodiversite/",
    "– Association francophone de femmes autistes (AFFA) : https://femmesautistes.example.org/",
    "– https://www.example.org/",
    "Le stimming",
    "– https://www.example.net/blog/stimming-et-neuroatypie",
    "– Mieux vivre autiste : apprendre à stimmer https://youtu.be/btY__UF2zow",
    "– https://www.example.net/2018/10/16/eloge-du-stimming/",
]


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_a_link_described_in_words_of_its_own_stays_with_its_heading(cleaner, gap):
    """QA pass 3 (D1): a resource list's entries ("– Association … (AFFA) : https://…") were near prose
    at best, so between bare URL lines the context pass took them, and the section headings above them,
    as boilerplate: two thirds of a "masterpost" (a page of links to resources) went. A line that says
    in `short_words` words or more what its URL is counts as content; the bare URLs still go."""
    out = cleaner.clean(Document(id="t", text=gap.join([PROSE, *RESOURCES])))
    assert out.text == gap.join([PROSE] + [line for line in RESOURCES if "– https://" not in line])


def test_a_widget_or_menu_with_a_url_is_no_described_link():
    assert line_features("– Association francophone (AFFA) : https://femmes.example.org/", "French").described == 3
    assert line_features("* RT @ecsdmed: Ma fiche de paie d'interne du mois d'avril https://t.co/SW9NbBJw", "French").described == 0
    assert line_features("Espace privé | Plan du site | RSS 2.0 | http://lisabi.net", "French").described == 0
    assert line_features('Copié dans le presse-papier <iframe src="https://www.example.fr/embed/43f8">', "French").described == 0


SECTIONS = [
    "Le validisme",
    "– https://parmilesrecits.example.com/parmilesrecits/single-post/2018/10/30/Quest-ce-que-le-validisme",
    "– https://www.example.fr/blog/2018/04/14/validisme-et-psyvalidisme/",
    "– https://www.youtube.com/watch?v=ncdV7E2jb00&list=PLr5PmuMxokE-Ncl_F7SaI2giPJLeBMoGs",
    "Pour les parents",
    "– https://www.example.fr/blog/2018/08/01/autism-parents/",
    "– https://twitter.com/example/status/1022059359151554560",
]


def test_a_heading_its_page_marks_stays_with_the_links_under_it(cleaner):
    """QA pass (fr-pages 430, a "masterpost"): `<h4>Le validisme</h4>` went as a short line between bad ones, and the
    bare URLs under "Pour les parents" went, leaving it over nothing. A line the page marks as a heading
    (`Context.headings`) is content, and the addresses right under it are its section's links; the same text without
    the page's marks still loses the URLs."""
    text = "\n".join([PROSE, *SECTIONS, MORE])
    rules = list(cleaner.rules.rules)
    marked = Context(lang="fr", headings=frozenset(map(line_key, ["Le validisme", "Pour les parents"])))
    assert run_rules(Document(id="p", text=text), rules, marked).text == text
    unmarked = run_rules(Document(id="t", text=text), rules, Context(lang="fr")).text
    assert "https://" not in unmarked and "Le validisme" not in unmarked
    alone = "\n".join(SECTIONS)  # headings and links, no prose: nothing to tell boilerplate from
    assert run_rules(Document(id="h", text=alone), rules, marked).text == alone


SIDEBAR = ["Articles récents", "Le maire inaugure la nouvelle école", "Grève des transports ce lundi",
           "https://www.example.fr/tag/politique", "https://www.example.fr/tag/sport", "Catégories", "Politique",
           "Sport", "© 2021 Le Journal Tous droits réservés"]


def test_a_heading_its_page_marks_over_nothing_kept_goes(cleaner):
    """The page's headings are read from the whole page, a sidebar's too: its "Catégories" over links that go stayed
    as the text's last line once its page marked it (a review). A marked heading stays only over a kept line."""
    text = "\n".join([PROSE, MORE, *SIDEBAR])
    marked = Context(lang="fr", headings=frozenset(map(line_key, ["Articles récents", "Catégories"])))
    out = run_rules(Document(id="s", text=text), list(cleaner.rules.rules), marked).text
    assert out == "\n".join([PROSE, MORE, *SIDEBAR[:3]])


SHOPS = [
    "- Sister Cat Blankets https://www.etsy.com/shop/SisterCatBlankets",
    "- Cutie Whales http://cutiewhales.example.fr/",
    "- Koohoo store https://twitter.com/KoohooStore",
    "- Hoptoys http://hoptoys.example.fr/",
]


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "a-block-of-its-own"])
def test_a_list_of_named_links_is_decided_as_one(cleaner, gap):
    """QA pass (fr-pages 430): of a shop list, "- Sister Cat Blankets https://…" stayed (a name of three words: link
    density 0.20) and "- Cutie Whales http://…" and three more went (0.25 and over). A list of lines of words and one
    URL is decided as one: it stays between content, and goes between boilerplate."""
    heading = "Boutiques où se procurer des jouets sensoriels"
    text = gap.join([PROSE, "\n".join([heading, *SHOPS]), "Pour les personnes racisées", MORE])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == text
    noise = "\n".join([PROSE, MORE, "Imprimer | Envoyer | Commenter", *SHOPS, FOOTER])
    assert cleaner.clean(Document(id="n", text=noise)).text == f"{PROSE}\n{MORE}"


@pytest.mark.parametrize(("count", "kept"), [(12, True), (13, False)])
def test_a_list_of_named_links_is_as_long_as_an_article_gives(cleaner, count, kept):
    """A run of named links between two paragraphs was near prose whatever its length: 30,000 "NameN http://…" lines
    were kept whole (a review). A list holds at most `max_named_links` (12, twice fr-pages' longest): a longer run's
    lines keep their own class, link lines, and go."""
    links = [f"Name{n} http://x.example.fr/{n}" for n in range(count)]
    text = "\n".join([PROSE, *links, MORE])
    assert cleaner.clean(Document(id="l", text=text)).text == (text if kept else f"{PROSE}\n{MORE}")


SOCIAL = ["Facebook https://www.facebook.com/monjournal", "Twitter https://twitter.com/monjournal",
          "Instagram https://instagram.com/monjournal"]


def test_a_block_of_follow_links_between_paragraphs_goes(cleaner):
    """A social block's lines, each a platform's name and a link to the site's page on it, went between two paragraphs,
    and stayed once a list of named links was decided as one (a review): a line whose only word names the site of the
    page it links to is a follow link, no list's item; a shop's name over its home stays (`SHOPS`)."""
    text = "\n".join([PROSE, *SOCIAL, MORE])
    assert cleaner.clean(Document(id="f", text=text)).text == f"{PROSE}\n{MORE}"



def test_a_follow_link_to_an_accented_sites_page_is_one():
    """`_follow_link` compared the word's `line_key` (accents set aside) with the host's label as written, so
    "Bücher https://bücher.de/x" or its punycode form was no follow link (a review)."""
    from cleaner.kinds.shape import _follow_link

    assert _follow_link("Bücher https://bücher.de/shop/x") and _follow_link("Bücher https://xn--bcher-kva.de/shop/x")
    assert not _follow_link("Bücher https://bücher.de/")  # its home: a shop list's item

ANNOUNCED = [
    "Le site de Vegan of Color propose deux portails très intéressants :",
    "– Colonialisme : http://vegansofcolor.example.com/tag/colonialism/",
    "– Être femme noire et vegan : http://vegansofcolor.example.com/2008/05/07/the-cult/",
    MORE,
    "[2] Vous trouverez ici leurs textes en anglais, notamment celui de Kim Sauder (Canada) :",
    "https://crippledscholar.example.com/2016/07/18/can-we-talk-about-that-ad/",
    "http://www.example.com/news/uk-19428263",
]


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_links_a_line_ending_with_a_colon_announces_stay(cleaner, gap):
    """QA pass 3 (D2): of the two portals "… deux portails très intéressants :" announces, the one
    named in one word went by its link density and the other stayed; a footnote's "Vous trouverez ici
    leurs textes … :" lost the URLs it announces. A short "Source :" announces none: it goes with its
    URL."""
    text = gap.join([PROSE, *ANNOUNCED, "Source :", "http://www.example.com/2016/03/article"])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == gap.join([PROSE, *ANNOUNCED])


def test_addresses_are_urls_and_handles_with_no_other_link_like_token():
    follow = line_features("Jama : @TheJamaJack ; https://linguerebi.example.com ;", "French")
    assert follow.addresses == 2 and follow.described == 0  # a handle makes no described link
    note = line_features("[1]https://www.example.com/watch?v=nnkSCpO4V1U", "French")
    assert note.addresses == 1 and note.footnote
    assert line_features("« Intouchables » : http://variety.example.com/2011/film/", "French").addresses == 1
    assert line_features("Partager | Facebook | @lecourrier", "French").addresses == 0
    assert line_features("RT @ecsdmed: #internes https://t.co/SW9NbBJw", "French").addresses == 0
    assert not line_features("Accueil [12]", "French").footnote


FOLLOW = [
    "Vous pouvez suivre ces jeunes femmes engagées sur leurs blogs respectifs et sur Twitter :",
    "Jama : @TheJamaJack ; https://linguerebi.example.com ;",
    "Stella : @StellaClaudy ; www.stella.example.com ;",
    "Kristelle : @Kristelle_El",
]
SHARE = "Partagez cet article avec vos amis et vos proches sur les réseaux sociaux :"


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_an_announced_list_may_give_handles(cleaner, gap):
    """QA pass 4: under "… sur leurs blogs respectifs et sur Twitter :", the lines giving each one's @handle
    and blog went as link lines: only URLs counted as the links such a line announces. A share bar under
    such a line still goes (its `|` is no address)."""
    text = gap.join([PROSE, *FOLLOW, MORE, SHARE, "Facebook | Twitter | @lecourrier", FOOTER])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == gap.join([PROSE, *FOLLOW, MORE, SHARE])


NOTES = [
    "[1]https://www.example.com/watch?v=nnkSCpO4V1U",
    "http://positivr.example.fr/jeux-paralympiques-spot-promotion/",
    "[2] Ici quelques liens sur le racisme dans « Intouchables », qui a sauté aux yeux des américains, "
    "étrangement…",
    "http://variety.example.com/2011/film/reviews/untouchable-1117946269/",
    "http://next.example.fr/cinema/2011/11/14/intouchables-ben-si_774456",
]


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_a_footnotes_links_stay(cleaner, gap):
    """QA pass 4: a footnote's URLs went unless its text ended with a colon: "[1]https://…" (the mark glued
    to the URL) with another URL under it, and "[2] Ici quelques liens … étrangement…" above its URLs. A
    bare URL under a "Source :" still goes."""
    text = gap.join([PROSE, *NOTES, MORE, "Source :", "http://www.example.com/2016/03/article"])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == gap.join([PROSE, *NOTES, MORE])


CITED = [
    "NOTES",
    "- ATTESTATION (CODE CIVIL)",
    "Article 202",
    "http://www.example.gouv.fr/affichCodeArticle.do?idArticle=LEGIARTI000006410420&cidTexte=LEGITEXT000006070716",
    "“L’attestation contient la relation des faits auxquels son auteur a assisté ou qu’il a personnellement constatés.”",
    "Aide aux victimes d’infractions pénales :",
    "http://www.example.fr/annuaire/associations-d-aide-aux-victimes_3.html",
    "Pour Paris : Tribunal de Grande Instance de Paris",
    MORE,
]


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_a_source_cited_under_a_label_stays(cleaner, gap):
    """fr-pages 530: the notes' bare URLs under "Article 202" (the law the text quotes, right under it) and
    under "Aide aux victimes … :" went as link lines, leaving the label dangling, and the headings "NOTES" and
    "- ATTESTATION (CODE CIVIL)" above them went as a run of short lines over boilerplate. A line of addresses
    between a line that is no link and content of its own shape is a source the article cites; a share bar
    still goes."""
    text = gap.join([PROSE, *CITED, "Partager | Facebook | Twitter"])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == gap.join([PROSE, *CITED])


SOURCES = [
    "- https://tpunch.example.com/2015/10/21/dossier-de-la-comparaison-entre-elevage-et-esclavage/",
    "- DWORKIN, Les Femmes de droite.",
    "- ENGLISH et EHRENREICH, Sorcières, sages-femmes et infirmières, une histoire des femmes soignantes.",
]


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_a_bare_url_opening_a_list_of_sources_stays(cleaner, gap):
    """fr-pages 525: of the closing list of sources, the first item, a bare URL right under the last paragraph,
    went by its link density while the items after it stayed."""
    text = gap.join([PROSE, MORE, *SOURCES, "#antispécisme #féminisme"])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == gap.join([PROSE, MORE, *SOURCES])


def test_a_url_under_a_label_and_over_a_menu_still_goes(cleaner):
    """A URL between a label and short lines (a menu's items) cites nothing: it goes, with the menu."""
    text = f"{PROSE}\n\n{MORE}\n\nSuivez-nous :\n\nhttps://www.facebook.com/monjournal\n\n{MENU}"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"{PROSE}\n\n{MORE}"


FOOTNOTE = ("(1) Piazza Sara, « La nymphoplastie. Nouvelle modalité de l’insupportable du sexe féminin », Recherches en "
            "psychanalyse, 2014/1 (n° 17), p. 27-34.")


def test_a_footnote_marked_in_parentheses_keeps_its_url(cleaner):
    """fr-pages 140: the footnote "(1) Piazza Sara, … p. 27-34." lost its "URL : http://…" line, the end of the text:
    only "[1]" was read as a footnote's mark."""
    assert line_features(FOOTNOTE, "French").footnote
    assert not line_features("(Deuxième partie)", "French").footnote
    text = f"{PROSE}\n{MORE}\n{FOOTNOTE}\nURL : http://www.example.info/revue-recherches-2014-1-page-27.htm"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == text


@pytest.mark.parametrize("counter", [
    "(0) commentaire\nhttps://www.facebook.com/sharer/sharer.php?u=https://site.example/post\n"
    "https://twitter.com/share?url=https://site.example/post\nMenu\nAccueil",
    "(1) Accueil\nhttps://site.example/\nhttps://site.example/contact\n(2) Contact"])
def test_a_counter_in_parentheses_is_no_footnote(cleaner, counter):
    """A comment count or a menu's number in parentheses ("(0) commentaire", "(1) Accueil") is no footnote's mark: read
    as one, it kept the share links and menu under it (a review). A footnote's mark has a reference after it."""
    assert not line_features("(0) commentaire", "French").footnote
    out = cleaner.clean(Document(id="t", text=f"{PROSE}\n{MORE}\n{counter}"))
    assert out.text.rstrip("\n") == f"{PROSE}\n{MORE}", out.text


LINK_LINE = "Version originale : https://www.example.com/2016/11/article"


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_a_term_or_label_heading_before_prose_stays(cleaner, gap):
    """QA pass 3 (D2): a colon or a closing bracket at a line's end read as a sentence's end, so
    "Antispécisme :" above its definition and "(Deuxième partie)" above a second text were no
    headings: at the start of the text or after a link line they went as boilerplate."""
    kept = ["Antispécisme :", PROSE, "(Deuxième partie)", MORE]
    text = gap.join(kept[:2] + [LINK_LINE] + kept[2:])
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == gap.join(kept)


def test_a_label_not_followed_by_prose_is_no_heading(cleaner):
    """A search box's "Search for:" above a near-prose line, then the article: not a heading, it goes."""
    text = f"Search for:\n\nComment peut-on être féministe ?\n\n{PROSE}\n\n{MENU}\n\n{FOOTER}"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"Comment peut-on être féministe ?\n\n{PROSE}"


NAMES = "Mercy Aigbe\nRose Odika\nNkechi Blessing\nDoris Simeon\nRykardo Agbor"
ANNOUNCE = "Parmi les actrices venues d'ailleurs qui ont trouvé leur place dans le cinéma yoruba, on compte :"


def test_a_list_that_ends_the_text_after_prose_announcing_it_stays(cleaner):
    """MasakhaNEWS yor-train-677 ends "… ni:" and five names: a list block, and the end of the text
    counts as boilerplate, so the names went even where no list block took them."""
    text = f"#cinéma #actrices #nollywood\n\n{PROSE}\n\n{ANNOUNCE}\n\n{NAMES}"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"{PROSE}\n\n{ANNOUNCE}\n\n{NAMES}"


@pytest.mark.parametrize("gap", ["\n", "\n\n"], ids=["a-line-a-paragraph", "blank-lines"])
def test_a_list_right_under_the_prose_announcing_it_stays(cleaner, gap):
    """QA pass 3 (D19): with a link line elsewhere in the text, the names right under "… on compte :",
    with no blank line between them (or in a text without blank lines), went as the text's tail: only a
    list in a block of its own was protected."""
    text = f"{PROSE}{gap}https://www.example.org/prix/2022{gap}{ANNOUNCE}\n{NAMES}"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"{PROSE}{gap}{ANNOUNCE}\n{NAMES}"


def test_a_line_in_a_block_of_its_own_after_a_line_ending_with_a_colon_still_goes(cleaner):
    """Cheek's "Continuer sur le site" under "… Suivez-nous sur les réseaux :" in a full-page dump: a
    one-line block, no list, and no list under the prose line."""
    text = f"{PROSE}\n\nhttps://www.example.org/prix/2022\n\n{ANNOUNCE}\n\nContinuer sur le site"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"{PROSE}\n\n{ANNOUNCE}"


def test_a_menu_after_a_line_ending_with_a_colon_still_goes_when_more_follows_it(cleaner):
    """A full page's "Découvre les autres projets de … :" above its menu: the list does not end the text."""
    text = f"{PROSE}\n\nDécouvrez aussi les autres projets de notre association en ligne :\n\n{MENU}\n\n{FOOTER}"
    out = cleaner.clean(Document(id="t", text=text))
    assert "Accueil" not in out.text and "©" not in out.text and PROSE in out.text


def test_a_salutation_before_the_letter_stays(cleaner):
    text = f"Cher Todd Nickerson,\n{PROSE}\n{MORE}\n\nTexte original : https://www.example.com/2015/09/28/lettre-ouverte/"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"Cher Todd Nickerson,\n{PROSE}\n{MORE}"


def test_in_a_text_without_blank_lines_each_line_can_be_a_heading(cleaner):
    """trafilatura's text has a line per paragraph and no blank line: a heading there has no block of its
    own, so the table of contents and `Article 15-3` (after a link line) went as boilerplate."""
    toc = "- LES VIOLENCES CONJUGALES\n- LE DÉPÔT DE PLAINTE\n- LE DIVORCE\n1. LES VIOLENCES CONJUGALES"
    text = f"{toc}\n{PROSE}\nFormulaire CERFA : https://www.example.gouv.fr/gf/cerfa_11527.do\nArticle 15-3\n{MORE}"
    out = cleaner.clean(Document(id="t", text=text))
    assert out.text == f"{toc}\n{PROSE}\nArticle 15-3\n{MORE}"
    spaced = f"{toc}\n\n{PROSE}\n\nFormulaire CERFA : https://www.example.gouv.fr/gf/cerfa_11527.do\n\nArticle 15-3\n\n{MORE}"
    out = cleaner.clean(Document(id="t", text=spaced))  # with blank lines, only a line alone in its block
    assert out.text == f"{PROSE}\n\nArticle 15-3\n\n{MORE}"


def test_each_removal_names_the_rule_and_the_features_that_decided_it(cleaner):
    text = f"{PROSE}\n\n#agriculture #blé #récolte #météo\n{FOOTER}"
    out = cleaner.clean(Document(id="t", text=text))
    whys = {text[e.start : e.end].strip(): e.why for e in shape_edits(out)}
    assert whys["#agriculture #blé #récolte #météo"].startswith("link-like tokens (4 words, stopwords 0.00")
    assert whys[FOOTER].startswith("copyright line (")
    record = out.record()
    assert all("why" in e for e in record["edits"] if e["rule"] == "shape")
    assert not any("why" in e for e in record["edits"] if e["rule"] != "shape")


def test_a_text_without_prose_is_left_alone(cleaner):
    out = cleaner.clean(Document(id="t", text=f"{MENU}\n{FOOTER}"))
    assert not shape_edits(out)


def test_a_language_without_a_stoplist_is_left_alone(cleaner):
    somali = "Dowladda Soomaaliya ayaa maanta ku dhawaaqday in ay qabanayso doorashooyin guud sanadka soo socda."
    assert stoplist_for(somali, None) == "none"
    text = f"{MENU}\n\n{somali}\n\nWarbixin kooban\n\n{somali}\n\n{FOOTER}"
    assert not shape_edits(cleaner.clean(Document(id="t", text=text)))
    assert shape_edits(cleaner.clean(Document(id="t", text=text.replace(somali, PROSE))))


def test_shape_runs_after_the_named_rules(cleaner):
    """The byline is the named rule's to extract: shape, running after, does not take the line first."""
    text = f"{MENU}\n\n{PROSE}\n\n{MORE}\n\nM.A."
    out = cleaner.clean(Document(id="t", text=text))
    assert out.author == "M.A." and out.text == f"{PROSE}\n\n{MORE}"
    assert shape_edits(out)


def test_config_switch_and_sources_turned_off():
    text = f"{MENU}\n\n{PROSE}\n\n{FOOTER}"
    assert shape_edits(Cleaner(Config.load()).clean(Document(id="t", text=text)))
    assert not shape_edits(Cleaner(Config.load(shape=False)).clean(Document(id="t", text=text)))
    off = Cleaner(Config.load(shape_off_sources=("example.com",)))
    assert not shape_edits(off.clean(Document(id="t", text=text, url="https://news.example.com/a")))
    assert shape_edits(off.clean(Document(id="t", text=text, url="https://example.org/a")))
    written = Config.load(shape_off_sources=("https://www.Example.com/", "EXAMPLE.org."))  # read as a rule's `sources`
    assert written.shape_off_sources == ("example.com", "example.org")  # (they were kept as given, and never matched)
    assert not shape_edits(Cleaner(written).clean(Document(id="t", text=text, url="https://example.org/a")))
    with pytest.raises(ConfigError, match="shape_off_sources.*is a URL, but"):
        Config.load(shape_off_sources=("example.com/news",))


def test_a_source_scoped_shape_rule_replaces_the_default_for_its_site(tmp_path, in_process):
    pack = tmp_path / "site.yaml"
    pack.write_text(
        "rules:\n"
        "  - id: site.shape\n"
        "    kind: shape\n"
        "    description: this site's menus are real content lists\n"
        "    sources: [example.com]\n"
        "    block_lines: 50\n"
        "    examples:\n"
        "      remove:\n"
        "        - text: \"Accueil | Sport | Culture\\n\\nLe conseil municipal a voté mardi le budget de l'année prochaine.\"\n"
        "          clean: \"Le conseil municipal a voté mardi le budget de l'année prochaine.\"\n"
        "      keep: [\"* Accueil\\n* Sport\\n* Culture\\n\\nLe conseil municipal a voté mardi le budget de l'année prochaine.\"]\n",
        encoding="utf-8",
    )
    assert in_process("rules", "check", str(pack)).returncode == 0
    tuned = Cleaner(Config.load(rules_dirs=(pack,)))
    text = f"{MENU}\n\n{PROSE}"
    here = tuned.clean(Document(id="t", text=text, url="https://example.com/a"))
    elsewhere = tuned.clean(Document(id="t", text=text, url="https://example.org/a"))
    assert "Accueil" in here.text and not [e for e in here.edits if e.rule.endswith("shape")]
    assert "Accueil" not in elsewhere.text and {e.rule for e in shape_edits(elsewhere)} == {"shape"}


PAGE = f"""<html><body>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/p">Politique</a></li><li><a href="/e">Économie</a></li>
<li><a href="/s">Sport</a></li><li><a href="/c">Culture</a></li></ul></nav>
<main><h1>Une récolte record</h1><p>{PROSE}</p><h2>Des prix sous pression</h2><p>{MORE}</p></main>
<aside><h3>Les plus lus</h3><ul><li><a href="/1">Météo</a></li><li><a href="/2">Bourse</a></li>
<li><a href="/3">Football</a></li><li><a href="/4">Cinéma</a></li></ul></aside>
<footer><p>{FOOTER}</p></footer></body></html>"""


def test_a_full_page_text_dump_keeps_the_article_and_cleaning_again_changes_nothing(cleaner):
    dump = get_text(PAGE)
    out = cleaner.clean(Document(id="page", text=dump))
    assert out.text == f"Une récolte record\n\n{PROSE}\n\nDes prix sous pression\n\n{MORE}"
    again = cleaner.clean(Document(id="page", text=out.text))
    assert again.text == out.text and not [e for e in again.edits if e.rule != "whitespace"]


def test_the_review_page_shows_why(tmp_path, in_process):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.txt").write_text(get_text(PAGE), encoding="utf-8")
    assert in_process("run", str(tmp_path / "in"), "--out", str(tmp_path / "run"), "--quiet").returncode == 0
    edits = json.loads((tmp_path / "run" / "corpus.jsonl").read_text(encoding="utf-8"))["edits"]
    why = next(e["why"] for e in edits if e["rule"] == "shape")
    done = in_process("review", str(tmp_path / "run"), "--out", str(tmp_path / "review.html"))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert json.dumps(why, ensure_ascii=False)[1:-1] in page and '"<br>why: "' in page


def test_the_packed_stopword_index_answers_as_justexts_lists(monkeypatch):
    """The index packs justext's 100 lists (hashes, one string of words, name tuples); every answer is
    confirmed on the word itself, so it is the lists' own answer, also when words share a hash, and its names
    are in name order, as the lists were given."""
    import justext

    from cleaner.kinds import shapefeatures

    lists = {name: justext.get_stoplist(name) for name in sorted(justext.get_stoplists())}
    tokens = sorted(lists["French"])[:300:7] + sorted(lists["Arabic"])[:50:5] + ["xyzzy", "", "lé", "überall", "le"]

    def expected(token: str) -> tuple[str, ...]:
        return tuple(name for name, words in lists.items() if token in words)

    assert shapefeatures._index().lookup(tokens) == [expected(t) for t in tokens]
    assert any(len(expected(t)) > 1 for t in tokens) and not expected("xyzzy")  # words of several lists among them
    monkeypatch.setattr(shapefeatures, "_hash", len)  # every word of a length shares one hash
    some = set(sorted(set().union(*lists.values()))[:2_000]) | set(tokens)
    collided = shapefeatures._Stopwords((name, words & some) for name, words in lists.items())
    assert collided.lookup(tokens) == [expected(t) for t in tokens]
