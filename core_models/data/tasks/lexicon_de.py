"""The German words of the en-de task, keyed by the English keys of ``lexicon_en``, with their
inflection: noun gender, plural and weak declension, article and adjective endings by case,
verb conjugation, perfect auxiliary, separable particles and the case a verb gives its object.

Spelling: lowercase (nouns too) with umlauts and ß. Irregular forms are written out; regular
present forms follow the rules of :func:`regular_present`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core_models.data.tasks import lexicon_en as en

# singular_gender_plural, "_w" for weak masculines (der junge, den jungen); mass nouns have no plural
_NOUN_TABLE = """
man=mann_m_männer woman=frau_f_frauen boy=junge_m_jungen_w girl=mädchen_n_mädchen
child=kind_n_kinder father=vater_m_väter mother=mutter_f_mütter brother=bruder_m_brüder
sister=schwester_f_schwestern friend=freund_m_freunde teacher=lehrer_m_lehrer doctor=arzt_m_ärzte
student=student_m_studenten_w king=könig_m_könige queen=königin_f_königinnen
baker=bäcker_m_bäcker farmer=bauer_m_bauern_w cook=koch_m_köche uncle=onkel_m_onkel
aunt=tante_f_tanten neighbor=nachbar_m_nachbarn_w soldier=soldat_m_soldaten_w
actor=schauspieler_m_schauspieler singer=sänger_m_sänger waiter=kellner_m_kellner
nurse=krankenschwester_f_krankenschwestern lawyer=anwalt_m_anwälte
policeman=polizist_m_polizisten_w writer=schriftsteller_m_schriftsteller painter=maler_m_maler
pilot=pilot_m_piloten_w driver=fahrer_m_fahrer son=sohn_m_söhne daughter=tochter_f_töchter
baby=baby_n_babys guest=gast_m_gäste tourist=tourist_m_touristen_w prince=prinz_m_prinzen_w
princess=prinzessin_f_prinzessinnen engineer=ingenieur_m_ingenieure worker=arbeiter_m_arbeiter
musician=musiker_m_musiker
cat=katze_f_katzen dog=hund_m_hunde horse=pferd_n_pferde bird=vogel_m_vögel mouse=maus_f_mäuse
parrot=papagei_m_papageien cow=kuh_f_kühe pig=schwein_n_schweine lamb=lamm_n_lämmer
rabbit=kaninchen_n_kaninchen duck=ente_f_enten lion=löwe_m_löwen_w elephant=elefant_m_elefanten_w
monkey=affe_m_affen_w bear=bär_m_bären_w wolf=wolf_m_wölfe fox=fuchs_m_füchse tiger=tiger_m_tiger
goat=ziege_f_ziegen hen=henne_f_hennen donkey=esel_m_esel bee=biene_f_bienen
spider=spinne_f_spinnen owl=eule_f_eulen snake=schlange_f_schlangen frog=frosch_m_frösche
apple=apfel_m_äpfel bread=brot_n cake=kuchen_m_kuchen cheese=käse_m egg=ei_n_eier
banana=banane_f_bananen orange=orange_f_orangen pear=birne_f_birnen soup=suppe_f
salad=salat_m_salate carrot=karotte_f_karotten tomato=tomate_f_tomaten cookie=keks_m_kekse
pizza=pizza_f_pizzas strawberry=erdbeere_f_erdbeeren lemon=zitrone_f_zitronen
cherry=kirsche_f_kirschen onion=zwiebel_f_zwiebeln mushroom=pilz_m_pilze
water=wasser_n milk=milch_f coffee=kaffee_m tea=tee_m juice=saft_m wine=wein_m beer=bier_n
lemonade=limonade_f
key=schlüssel_m_schlüssel ball=ball_m_bälle bag=tasche_f_taschen box=kiste_f_kisten
cup=tasse_f_tassen glass=glas_n_gläser bottle=flasche_f_flaschen plate=teller_m_teller
phone=telefon_n_telefone computer=computer_m_computer picture=bild_n_bilder pen=stift_m_stifte
pencil=bleistift_m_bleistifte umbrella=regenschirm_m_regenschirme toy=spielzeug_n_spielzeuge
map=karte_f_karten ticket=fahrkarte_f_fahrkarten photo=foto_n_fotos stone=stein_m_steine
knife=messer_n_messer spoon=löffel_m_löffel fork=gabel_f_gabeln mirror=spiegel_m_spiegel
guitar=gitarre_f_gitarren piano=klavier_n_klaviere candle=kerze_f_kerzen
wallet=geldbörse_f_geldbörsen basket=korb_m_körbe blanket=decke_f_decken
gift=geschenk_n_geschenke ring=ring_m_ringe
table=tisch_m_tische chair=stuhl_m_stühle bed=bett_n_betten sofa=sofa_n_sofas lamp=lampe_f_lampen
clock=uhr_f_uhren door=tür_f_türen window=fenster_n_fenster shelf=regal_n_regale
desk=schreibtisch_m_schreibtische
hat=hut_m_hüte coat=mantel_m_mäntel shoe=schuh_m_schuhe shirt=hemd_n_hemden dress=kleid_n_kleider
jacket=jacke_f_jacken scarf=schal_m_schals sweater=pullover_m_pullover skirt=rock_m_röcke
sock=socke_f_socken
car=auto_n_autos bus=bus_m_busse train=zug_m_züge bicycle=fahrrad_n_fahrräder boat=boot_n_boote
plane=flugzeug_n_flugzeuge truck=lastwagen_m_lastwagen taxi=taxi_n_taxis
house=haus_n_häuser school=schule_f_schulen station=bahnhof_m_bahnhöfe church=kirche_f_kirchen
library=bibliothek_f_bibliotheken museum=museum_n_museen hospital=krankenhaus_n_krankenhäuser
hotel=hotel_n_hotels restaurant=restaurant_n_restaurants shop=geschäft_n_geschäfte
bank=bank_f_banken castle=schloss_n_schlösser office=büro_n_büros cinema=kino_n_kinos
theater=theater_n_theater kitchen=küche_f_küchen room=zimmer_n_zimmer garage=garage_f_garagen
park=park_m_parks garden=garten_m_gärten forest=wald_m_wälder beach=strand_m_strände
city=stadt_f_städte village=dorf_n_dörfer market=markt_m_märkte river=fluss_m_flüsse
lake=see_m_seen mountain=berg_m_berge street=straße_f_straßen bridge=brücke_f_brücken
farm=bauernhof_m_bauernhöfe airport=flughafen_m_flughäfen zoo=zoo_m_zoos
book=buch_n_bücher letter=brief_m_briefe newspaper=zeitung_f_zeitungen
magazine=zeitschrift_f_zeitschriften notebook=heft_n_hefte
song=lied_n_lieder story=geschichte_f_geschichten poem=gedicht_n_gedichte
flower=blume_f_blumen tree=baum_m_bäume rose=rose_f_rosen
"""

# predicative form [/ stem that takes the endings: teuer -> teure, dunkel -> dunkle, müde -> müde]
_ADJECTIVE_TABLE = """
beautiful=schön pretty=hübsch good=gut bad=schlecht small=klein big=groß long=lang fat=dick
old=alt young=jung new=neu red=rot blue=blau green=grün black=schwarz white=weiß yellow=gelb
gray=grau brown=braun french=französisch german=deutsch english=englisch italian=italienisch
intelligent=intelligent happy=glücklich sad=traurig tired=müde/müd angry=wütend kind=nett
strong=stark sick=krank brave=mutig lazy=faul curious=neugierig funny=lustig quiet=ruhig loud=laut
friendly=freundlich polite=höflich rich=reich poor=arm busy=beschäftigt famous=berühmt
fast=schnell slow=langsam delicious=lecker fresh=frisch sweet=süß hot=heiß cold=kalt heavy=schwer
empty=leer full=voll clean=sauber dirty=schmutzig expensive=teuer/teur round=rund modern=modern
dark=dunkel/dunkl open=offen closed=geschlossen wet=nass dry=trocken soft=weich strange=seltsam
"""

# infinitive | present (ich du er wir ihr sie) | participle | flags: sein (perfect auxiliary),
# dat / auf+acc / mit+dat (the object's case, accusative otherwise), and a separable particle.
_VERBS: dict[str, str] = {
    "see": "sehen | sehe siehst sieht sehen seht sehen | gesehen",
    "eat": "essen | esse isst isst essen esst essen | gegessen",
    "drink": "trinken | | getrunken", "read": "lesen | lese liest liest lesen lest lesen | gelesen",
    "write": "schreiben | | geschrieben", "buy": "kaufen | | gekauft",
    "sell": "verkaufen | | verkauft", "love": "lieben | | geliebt",
    "find": "finden | finde findest findet finden findet finden | gefunden",
    "lose": "verlieren | | verloren",
    "take": "nehmen | nehme nimmst nimmt nehmen nehmt nehmen | genommen",
    "carry": "tragen | trage trägst trägt tragen tragt tragen | getragen",
    "open": "machen | | aufgemacht | auf", "close": "machen | | zugemacht | zu",
    "wash": "waschen | wasche wäschst wäscht waschen wascht waschen | gewaschen",
    "draw": "zeichnen | zeichne zeichnest zeichnet zeichnen zeichnet zeichnen | gezeichnet",
    "cook": "kochen | | gekocht",
    "prepare": "bereiten | bereite bereitest bereitet bereiten bereitet bereiten | vorbereitet | vor",
    "visit": "besuchen | | besucht",
    "watch": "beobachten | beobachte beobachtest beobachtet beobachten beobachtet beobachten | beobachtet",
    "hear": "hören | | gehört", "meet": "treffen | treffe triffst trifft treffen trefft treffen | getroffen",
    "call": "rufen | | angerufen | an",
    "invite": "laden | lade lädst lädt laden ladet laden | eingeladen | ein",
    "help": "helfen | helfe hilfst hilft helfen helft helfen | geholfen | dat",
    "thank": "danken | | gedankt | dat", "follow": "folgen | | gefolgt | dat sein",
    "answer": "antworten | antworte antwortest antwortet antworten antwortet antworten | geantwortet | dat",
    "look at": "sehen | sehe siehst sieht sehen seht sehen | angesehen | an",
    "wait for": "warten | warte wartest wartet warten wartet warten | gewartet | auf+acc",
    "look for": "suchen | | gesucht", "listen to": "hören | | zugehört | zu dat",
    "talk to": "sprechen | spreche sprichst spricht sprechen sprecht sprechen | gesprochen | mit+dat",
    "play with": "spielen | | gespielt | mit+dat",
    "give": "geben | gebe gibst gibt geben gebt geben | gegeben", "show": "zeigen | | gezeigt",
    "send": "schicken | | geschickt", "bring": "bringen | | gebracht", "lend": "leihen | | geliehen",
    "sleep": "schlafen | schlafe schläfst schläft schlafen schlaft schlafen | geschlafen",
    "swim": "schwimmen | | geschwommen | sein", "sing": "singen | | gesungen",
    "dance": "tanzen | tanze tanzt tanzt tanzen tanzt tanzen | getanzt",
    "laugh": "lachen | | gelacht", "cry": "weinen | | geweint",
    "work": "arbeiten | arbeite arbeitest arbeitet arbeiten arbeitet arbeiten | gearbeitet",
    "play": "spielen | | gespielt",
    "wait": "warten | warte wartest wartet warten wartet warten | gewartet",
    "smile": "lächeln | lächle lächelst lächelt lächeln lächelt lächeln | gelächelt",
    "jump": "springen | | gesprungen | sein",
    "fall": "fallen | falle fällst fällt fallen fallt fallen | gefallen | sein",
    "arrive": "kommen | | angekommen | an sein",
    "leave": "fahren | fahre fährst fährt fahren fahrt fahren | abgefahren | ab sein",
    "come back": "kommen | | zurückgekommen | zurück sein",
    "get up": "stehen | | aufgestanden | auf sein", "wake up": "wachen | | aufgewacht | auf sein",
    "stay": "bleiben | | geblieben | sein", "go out": "gehen | | ausgegangen | aus sein",
    "go": "gehen | | gegangen | sein", "come": "kommen | | gekommen | sein",
    "run": "laufen | laufe läufst läuft laufen lauft laufen | gelaufen | sein",
    "be": "sein | bin bist ist sind seid sind | gewesen | sein",
    "say": "sagen | | gesagt", "think": "denken | | gedacht", "believe": "glauben | | geglaubt",
    "hope": "hoffen | | gehofft",
}  # fmt: skip

CASES = ("nom", "acc", "dat")
# Column order of every table: masculine, feminine, neuter, plural.
DEFINITE = {"nom": ("der", "die", "das", "die"), "acc": ("den", "die", "das", "die"),
            "dat": ("dem", "der", "dem", "den")}  # fmt: skip
RELATIVE = {"nom": ("der", "die", "das", "die"), "acc": ("den", "die", "das", "die"),
            "dat": ("dem", "der", "dem", "denen")}  # fmt: skip
DER_ENDINGS = {
    "nom": ("er", "e", "es", "e"),
    "acc": ("en", "e", "es", "e"),
    "dat": ("em", "er", "em", "en"),
}  # fmt: skip  (dieser, and strong adjectives)
EIN_ENDINGS = {
    "nom": ("", "e", "", "e"),
    "acc": ("en", "e", "", "e"),
    "dat": ("em", "er", "em", "en"),
}  # fmt: skip  (ein, kein, mein, ...)
WEAK_ADJECTIVE = {
    "nom": ("e", "e", "e", "en"),
    "acc": ("en", "e", "e", "en"),
    "dat": ("en", "en", "en", "en"),
}  # fmt: skip  (after der, dieser)
MIXED_ADJECTIVE = {
    "nom": ("er", "e", "es", "en"),
    "acc": ("en", "e", "es", "en"),
    "dat": ("en", "en", "en", "en"),
}  # fmt: skip  (after ein, kein, mein)
STRONG_ADJECTIVE = DER_ENDINGS  # no determiner, or a number

EIN_WORDS = {"a": "ein", "my": "mein", "your": "dein", "his": "sein", "her": "ihr",
             "our": "unser", "their": "ihr"}  # fmt: skip
HABEN = ("habe", "hast", "hat", "haben", "habt", "haben")
SEIN_PAST = ("war", "warst", "war", "waren", "wart", "waren")
PRONOUNS = {"i": "ich", "you": "du", "he": "er", "she": "sie", "we": "wir", "they": "sie"}
NUMBERS = dict(
    zip(
        en.NUMBERS,
        ("zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn"),
        strict=True,
    )
)
PREPOSITIONS = {  # English key -> (German preposition, case)
    "in": ("in", "dat"), "on": ("auf", "dat"), "under": ("unter", "dat"),
    "next to": ("neben", "dat"), "behind": ("hinter", "dat"), "in front of": ("vor", "dat"),
    "with": ("mit", "dat"), "without": ("ohne", "acc"), "for": ("für", "acc"), "to": ("zu", "dat"),
}  # fmt: skip
CONTRACTIONS = {("in", "dem"): "im", ("zu", "dem"): "zum", ("zu", "der"): "zur"}
FRONT_ADVERBS = {
    "today": "heute", "yesterday": "gestern", "now": "jetzt", "this morning": "heute morgen",
    "in the morning": "morgens", "in the evening": "abends", "every day": "jeden tag",
    "last week": "letzte woche", "on monday": "am montag", "on tuesday": "am dienstag",
    "on wednesday": "am mittwoch", "on thursday": "am donnerstag", "on friday": "am freitag",
    "on saturday": "am samstag", "on sunday": "am sonntag",
}  # fmt: skip
MID_ADVERBS = {"often": "oft", "always": "immer", "sometimes": "manchmal"}
CONJUNCTIONS = {"because": "weil", "when": "wenn", "if": "wenn", "that": "dass"}


@dataclass(frozen=True)
class GermanNoun:
    singular: str
    plural: str
    gender: str  # "m", "f", "n"
    weak: bool  # -n in accusative and dative singular: den jungen, dem jungen

    def form(self, case: str, plural: bool) -> str:
        """dem jungen, den kindern, den autos."""
        if plural:
            dative_n = case == "dat" and not self.plural.endswith(("n", "s"))
            return self.plural + ("n" if dative_n else "")
        return self.plural if self.weak and case != "nom" else self.singular


@dataclass(frozen=True)
class GermanAdjective:
    predicative: str  # müde, teuer
    stem: str  # müd, teur: the form that takes endings

    def inflect(self, ending: str) -> str:
        return self.stem + ending


@dataclass(frozen=True)
class GermanVerb:
    infinitive: str  # without the particle: "rufen" for anrufen
    present: tuple[str, ...]  # ich, du, er/sie, wir, ihr, sie
    participle: str  # with the particle: angerufen
    auxiliary: str  # "haben" or "sein"
    particle: str  # separable particle ("an"), "" when none
    object_case: str  # "acc", "dat", or "<preposition>+<case>" ("auf+acc")


def regular_present(infinitive: str) -> tuple[str, ...]:
    """Present tense of a weak verb: mache machst macht machen macht machen (no stem change)."""
    stem = infinitive[:-2]
    second = stem + ("t" if stem.endswith(("s", "ß", "z", "x")) else "st")
    return stem + "e", second, stem + "t", infinitive, stem + "t", infinitive


def _noun(entry: str) -> GermanNoun:
    singular, gender, *rest = entry.split("_")
    return GermanNoun(singular, rest[0] if rest else singular, gender, rest[1:] == ["w"])


def _verb(row: str) -> GermanVerb:
    infinitive, present, participle, flags = [*(part.strip() for part in row.split("|")), ""][:4]
    flag_set = flags.split()
    case = next((f for f in flag_set if f == "dat" or "+" in f), "acc")
    particle = next((f for f in flag_set if f not in ("sein", "dat") and "+" not in f), "")
    return GermanVerb(
        infinitive,
        tuple(present.split()) or regular_present(infinitive),
        participle,
        "sein" if "sein" in flag_set else "haben",
        particle,
        case,
    )


_NOUNS = dict(entry.split("=") for entry in _NOUN_TABLE.split())
_ADJECTIVES = dict(entry.split("=") for entry in _ADJECTIVE_TABLE.split())
NOUNS: dict[str, GermanNoun] = {key: _noun(entry) for key, entry in _NOUNS.items()}
ADJECTIVES: dict[str, GermanAdjective] = {
    key: GermanAdjective(entry.split("/")[0], entry.split("/")[-1])
    for key, entry in _ADJECTIVES.items()
}
VERBS: dict[str, GermanVerb] = {key: _verb(row) for key, row in _VERBS.items()}
GENDER_COLUMN = {"m": 0, "f": 1, "n": 2}


def lexicon_size() -> int:
    """Distinct English-to-German entries: nouns, adjectives, verbs and function words."""
    tables = (NOUNS, ADJECTIVES, VERBS, PRONOUNS, EIN_WORDS, NUMBERS, PREPOSITIONS,
              FRONT_ADVERBS, MID_ADVERBS, CONJUNCTIONS)  # fmt: skip
    return sum(len(table) for table in tables) + 2  # + "the" (der) and "this" (dieser)
