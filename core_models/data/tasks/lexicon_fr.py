"""The French words of the en-fr task, keyed by the English keys of ``lexicon_en``, with their
inflection: noun gender and plural, adjective agreement and position, verb conjugation.

Spelling conventions: lowercase with accents; an elided word stays attached to the next one as a
single word ("l'homme", "n'a", "qu'il", "j'aime", "d'eau"), and so do the contractions "au",
"aux", "du", "des". Irregular forms are written out; regular ones follow the rules below
(-er / -ir (finir) / -re conjugation, feminine +e, plural +s).
"""

from __future__ import annotations

from dataclasses import dataclass

from core_models.data.tasks import lexicon_en as en

_NOUN_TABLE = """
man=homme_m woman=femme_f boy=garçon_m girl=fille_f child=enfant_m father=père_m mother=mère_f
brother=frère_m sister=sœur_f friend=ami_m teacher=professeur_m doctor=médecin_m
student=étudiant_m king=roi_m queen=reine_f baker=boulanger_m farmer=fermier_m cook=cuisinier_m
uncle=oncle_m aunt=tante_f neighbor=voisin_m soldier=soldat_m actor=acteur_m singer=chanteur_m
waiter=serveur_m nurse=infirmière_f lawyer=avocat_m policeman=policier_m writer=écrivain_m
painter=peintre_m pilot=pilote_m driver=chauffeur_m son=fils_m_fils daughter=fille_f baby=bébé_m
guest=invité_m tourist=touriste_m prince=prince_m princess=princesse_f engineer=ingénieur_m
worker=ouvrier_m musician=musicien_m
cat=chat_m dog=chien_m horse=cheval_m_chevaux bird=oiseau_m mouse=souris_f_souris
parrot=perroquet_m cow=vache_f pig=cochon_m lamb=agneau_m rabbit=lapin_m duck=canard_m
lion=lion_m elephant=éléphant_m monkey=singe_m bear=ours_m_ours wolf=loup_m fox=renard_m
tiger=tigre_m goat=chèvre_f hen=poule_f donkey=âne_m bee=abeille_f spider=araignée_f
owl=chouette_f snake=serpent_m frog=grenouille_f
apple=pomme_f bread=pain_m cake=gâteau_m cheese=fromage_m egg=œuf_m banana=banane_f
orange=orange_f pear=poire_f soup=soupe_f salad=salade_f carrot=carotte_f tomato=tomate_f
cookie=biscuit_m pizza=pizza_f strawberry=fraise_f lemon=citron_m cherry=cerise_f
onion=oignon_m mushroom=champignon_m
water=eau_f milk=lait_m coffee=café_m tea=thé_m juice=jus_m wine=vin_m beer=bière_f
lemonade=limonade_f
key=clé_f ball=ballon_m bag=sac_m box=boîte_f cup=tasse_f glass=verre_m bottle=bouteille_f
plate=assiette_f phone=téléphone_m computer=ordinateur_m picture=tableau_m pen=stylo_m
pencil=crayon_m umbrella=parapluie_m toy=jouet_m map=carte_f ticket=billet_m photo=photo_f
stone=pierre_f knife=couteau_m spoon=cuillère_f fork=fourchette_f mirror=miroir_m
guitar=guitare_f piano=piano_m candle=bougie_f wallet=portefeuille_m basket=panier_m
blanket=couverture_f gift=cadeau_m ring=bague_f
table=table_f chair=chaise_f bed=lit_m sofa=canapé_m lamp=lampe_f clock=horloge_f door=porte_f
window=fenêtre_f shelf=étagère_f desk=bureau_m
hat=chapeau_m coat=manteau_m shoe=chaussure_f shirt=chemise_f dress=robe_f jacket=veste_f
scarf=écharpe_f sweater=pull_m skirt=jupe_f sock=chaussette_f
car=voiture_f bus=bus_m_bus train=train_m bicycle=vélo_m boat=bateau_m plane=avion_m
truck=camion_m taxi=taxi_m
house=maison_f school=école_f station=gare_f church=église_f library=bibliothèque_f
museum=musée_m hospital=hôpital_m_hôpitaux hotel=hôtel_m restaurant=restaurant_m
shop=magasin_m bank=banque_f castle=château_m office=bureau_m cinema=cinéma_m
theater=théâtre_m kitchen=cuisine_f room=chambre_f garage=garage_m
park=parc_m garden=jardin_m forest=forêt_f beach=plage_f city=ville_f village=village_m
market=marché_m river=rivière_f lake=lac_m mountain=montagne_f street=rue_f bridge=pont_m
farm=ferme_f airport=aéroport_m zoo=zoo_m
book=livre_m letter=lettre_f newspaper=journal_m_journaux magazine=magazine_m notebook=cahier_m
song=chanson_f story=histoire_f poem=poème_m flower=fleur_f tree=arbre_m rose=rose_f
"""

# masculine singular [/ feminine / masculine plural / feminine plural / masculine before a vowel];
# "<" marks the adjectives that go before the noun (beauty, age, goodness, size).
_ADJECTIVE_TABLE = """
beautiful=beau/belle/beaux/belles/bel< pretty=joli< good=bon/bonne< bad=mauvais< small=petit<
big=grand< long=long/longue< fat=gros/grosse< old=vieux/vieille/vieux/vieilles/vieil<
young=jeune< new=nouveau/nouvelle/nouveaux/nouvelles/nouvel<
red=rouge blue=bleu green=vert black=noir white=blanc/blanche yellow=jaune gray=gris brown=brun
french=français german=allemand english=anglais italian=italien/italienne
intelligent=intelligent happy=heureux sad=triste tired=fatigué angry=fâché kind=gentil/gentille
strong=fort sick=malade brave=courageux lazy=paresseux curious=curieux funny=drôle quiet=calme
loud=bruyant friendly=aimable polite=poli rich=riche poor=pauvre busy=occupé famous=célèbre
fast=rapide slow=lent delicious=délicieux fresh=frais/fraîche sweet=sucré hot=chaud cold=froid
heavy=lourd empty=vide full=plein clean=propre dirty=sale expensive=cher/chère round=rond
modern=moderne dark=sombre open=ouvert closed=fermé wet=mouillé dry=sec/sèche soft=doux/douce
strange=étrange
"""

# infinitive | present (je tu il nous vous ils) | past participle | flags: être (auxiliary),
# se (reflexive), à / avec (the object's preposition). Empty fields follow the regular rules.
_VERBS: dict[str, str] = {
    "see": "voir | vois vois voit voyons voyez voient | vu",
    "eat": "manger", "drink": "boire | bois bois boit buvons buvez boivent | bu",
    "read": "lire | lis lis lit lisons lisez lisent | lu",
    "write": "écrire | écris écris écrit écrivons écrivez écrivent | écrit",
    "buy": "acheter | achète achètes achète achetons achetez achètent", "sell": "vendre",
    "love": "aimer", "find": "trouver", "lose": "perdre",
    "take": "prendre | prends prends prend prenons prenez prennent | pris", "carry": "porter",
    "open": "ouvrir | ouvre ouvres ouvre ouvrons ouvrez ouvrent | ouvert", "close": "fermer",
    "wash": "laver", "draw": "dessiner", "cook": "cuisiner", "prepare": "préparer",
    "visit": "visiter", "watch": "regarder", "hear": "entendre", "meet": "rencontrer",
    "call": "appeler | appelle appelles appelle appelons appelez appellent",
    "invite": "inviter", "help": "aider", "thank": "remercier",
    "follow": "suivre | suis suis suit suivons suivez suivent | suivi",
    "answer": "répondre | | | à", "look at": "regarder", "wait for": "attendre",
    "look for": "chercher", "listen to": "écouter", "talk to": "parler | | | à",
    "play with": "jouer | | | avec", "give": "donner", "show": "montrer",
    "send": "envoyer | envoie envoies envoie envoyons envoyez envoient", "bring": "apporter",
    "lend": "prêter", "sleep": "dormir | dors dors dort dormons dormez dorment | dormi",
    "swim": "nager", "sing": "chanter", "dance": "danser",
    "laugh": "rire | ris ris rit rions riez rient | ri", "cry": "pleurer", "work": "travailler",
    "play": "jouer", "wait": "attendre",
    "smile": "sourire | souris souris sourit sourions souriez sourient | souri",
    "jump": "sauter", "fall": "tomber | | | être", "arrive": "arriver | | | être",
    "leave": "partir | pars pars part partons partez partent | parti | être",
    "come back": "revenir | reviens reviens revient revenons revenez reviennent | revenu | être",
    "get up": "lever | lève lèves lève levons levez lèvent | | se",
    "wake up": "réveiller | | | se", "stay": "rester | | | être",
    "go out": "sortir | sors sors sort sortons sortez sortent | sorti | être",
    "go": "aller | vais vas va allons allez vont | allé | être",
    "come": "venir | viens viens vient venons venez viennent | venu | être",
    "run": "courir | cours cours court courons courez courent | couru",
    "be": "être | suis es est sommes êtes sont | été",
    "say": "dire | dis dis dit disons dites disent | dit", "think": "penser",
    "believe": "croire | crois crois croit croyons croyez croient | cru",
    "hope": "espérer | espère espères espère espérons espérez espèrent",
}  # fmt: skip

AVOIR = ("ai", "as", "a", "avons", "avez", "ont")
ETRE_IMPERFECT = ("étais", "étais", "était", "étions", "étiez", "étaient")
REFLEXIVES = ("me", "te", "se", "nous", "vous", "se")
PRONOUNS = {"i": "je", "you": "tu", "he": "il", "she": "elle", "we": "nous", "they": "ils"}
# determiner -> (masculine singular, feminine singular, plural)
DETERMINERS: dict[str, tuple[str, str, str]] = {
    "the": ("le", "la", "les"), "a": ("un", "une", "des"), "this": ("ce", "cette", "ces"),
    "my": ("mon", "ma", "mes"), "your": ("ton", "ta", "tes"), "his": ("son", "sa", "ses"),
    "her": ("son", "sa", "ses"), "our": ("notre", "notre", "nos"),
    "their": ("leur", "leur", "leurs"),
}  # fmt: skip
NUMBERS = dict(
    zip(
        en.NUMBERS,
        ("deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"),
        strict=True,
    )
)
PREPOSITIONS = {
    "in": "dans", "on": "sur", "under": "sous", "next to": "à côté de", "behind": "derrière",
    "in front of": "devant", "with": "avec", "without": "sans", "for": "pour", "to": "à",
}  # fmt: skip
FRONT_ADVERBS = {
    "today": "aujourd'hui", "yesterday": "hier", "now": "maintenant", "this morning": "ce matin",
    "in the morning": "le matin", "in the evening": "le soir", "every day": "chaque jour",
    "last week": "la semaine dernière", "on monday": "lundi", "on tuesday": "mardi",
    "on wednesday": "mercredi", "on thursday": "jeudi", "on friday": "vendredi",
    "on saturday": "samedi", "on sunday": "dimanche",
}  # fmt: skip
MID_ADVERBS = {"often": "souvent", "always": "toujours", "sometimes": "parfois"}
CONJUNCTIONS = {"because": "parce que", "when": "quand", "if": "si", "that": "que"}

_VOWELS = frozenset("aâàeéèêëiîïoôœuûù")
_H_MUET = ("homme", "hôtel", "hôpita", "histoire", "horloge", "heureu")


def starts_with_vowel_sound(word: str) -> bool:
    """Whether ``word`` elides a preceding le / la / je / ne / que / de ("l'homme", not "l'huit")."""
    return word[:1] in _VOWELS or word.startswith(_H_MUET)


@dataclass(frozen=True)
class FrenchNoun:
    singular: str
    plural: str
    feminine: bool


@dataclass(frozen=True)
class FrenchAdjective:
    forms: tuple[str, str, str, str]  # masculine singular, feminine singular, masc. pl., fem. pl.
    before_vowel: str  # masculine singular before a vowel: "bel", "vieil", "nouvel"
    prenominal: bool

    def form(self, feminine: bool, plural: bool) -> str:
        return self.forms[2 * plural + feminine]


@dataclass(frozen=True)
class FrenchVerb:
    infinitive: str
    present: tuple[str, ...]  # je, tu, il/elle, nous, vous, ils/elles
    participle: str
    auxiliary: str  # "avoir" or "être"
    reflexive: bool
    object_preposition: str  # "" for a direct object, "à", "avec"


def _plural(singular: str) -> str:
    if singular.endswith(("s", "x", "z")):
        return singular
    return singular + ("x" if singular.endswith("eau") else "s")


def _adjective(entry: str) -> FrenchAdjective:
    prenominal = entry.endswith("<")
    forms = entry.rstrip("<").split("/")
    masculine = forms[0]
    if len(forms) == 1:
        if masculine.endswith("eux"):
            forms.append(masculine[:-1] + "se")
        else:
            forms.append(masculine if masculine.endswith("e") else masculine + "e")
    if len(forms) == 2:
        forms += [_plural(masculine), forms[1] + "s"]
    before_vowel = forms[4] if len(forms) == 5 else masculine
    return FrenchAdjective((forms[0], forms[1], forms[2], forms[3]), before_vowel, prenominal)


def regular_present(infinitive: str) -> tuple[str, ...]:
    """-er (mange, mangeons), -ir of finir (obéis, obéissons) and -re (attends) conjugations."""
    stem, ending = infinitive[:-2], infinitive[-2:]
    if ending == "er":
        nous = stem + ("e" if stem.endswith("g") else "") + "ons"
        return stem + "e", stem + "es", stem + "e", nous, stem + "ez", stem + "ent"
    if ending == "ir":
        return (
            stem + "is",
            stem + "is",
            stem + "it",
            stem + "issons",
            stem + "issez",
            stem + "issent",
        )
    return stem + "s", stem + "s", stem, stem + "ons", stem + "ez", stem + "ent"


def regular_participle(infinitive: str) -> str:
    stem, ending = infinitive[:-2], infinitive[-2:]
    return stem + {"er": "é", "ir": "i", "re": "u"}[ending]


def _verb(row: str) -> FrenchVerb:
    infinitive, present, participle, flags = [*(part.strip() for part in row.split("|")), "", "", ""][:4]  # fmt: skip
    flag_set = flags.split()
    preposition = next((flag for flag in flag_set if flag in ("à", "avec")), "")
    return FrenchVerb(
        infinitive,
        tuple(present.split()) or regular_present(infinitive),
        participle or regular_participle(infinitive),
        "être" if "être" in flag_set or "se" in flag_set else "avoir",
        "se" in flag_set,
        preposition,
    )


def _noun(entry: str) -> FrenchNoun:
    singular, gender, *plural = entry.split("_")
    return FrenchNoun(singular, plural[0] if plural else _plural(singular), gender == "f")


_NOUNS = dict(entry.split("=") for entry in _NOUN_TABLE.split())
_ADJECTIVES = dict(entry.split("=") for entry in _ADJECTIVE_TABLE.split())
NOUNS: dict[str, FrenchNoun] = {key: _noun(entry) for key, entry in _NOUNS.items()}
ADJECTIVES: dict[str, FrenchAdjective] = {key: _adjective(e) for key, e in _ADJECTIVES.items()}
VERBS: dict[str, FrenchVerb] = {key: _verb(row) for key, row in _VERBS.items()}


def participle_form(participle: str, feminine: bool, plural: bool) -> str:
    """Past participle agreement: vu, vue, vus, vues; pris, prise, pris, prises."""
    form = participle + ("e" if feminine else "")
    return form + ("s" if plural and not form.endswith("s") else "")


def lexicon_size() -> int:
    """Distinct English-to-French entries: nouns, adjectives, verbs and function words."""
    tables = (NOUNS, ADJECTIVES, VERBS, PRONOUNS, DETERMINERS, NUMBERS, PREPOSITIONS,
              FRONT_ADVERBS, MID_ADVERBS, CONJUNCTIONS)  # fmt: skip
    return sum(len(table) for table in tables)
