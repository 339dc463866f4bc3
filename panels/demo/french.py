"""The seed panel's title and concept note in French, to show content in several languages
(``/fr/`` shows them; the other languages fall back to English, marked as such).

A translation made for the demo, not a United Nations text. Document symbols are written as
in the seed (``[A/71/1](#)``, linked to the document when loaded); the campaign's link is the
address the English text gets.
"""

PANEL_TITLE = (
    "Le pacte mondial sur les migrations : dimensions régionales et dimensions relatives aux "
    "droits de l’homme"
)

# The seed's section headings → (French heading, French body).
SECTIONS = {
    "Background": (
        "Contexte",
        "La Déclaration de New York pour les réfugiés et les migrants ([A/71/1](#)) affirme "
        "que les réfugiés comme les migrants, bien que leur traitement relève de cadres "
        "juridiques distincts, jouissent des mêmes droits de l’homme universels et libertés "
        "fondamentales, qu’ils font souvent face aux mêmes difficultés et présentent des "
        "vulnérabilités semblables. Dans la Déclaration, les États Membres ont pris trois "
        "séries d’engagements : l’une pour les réfugiés, l’une pour les migrants et l’une qui "
        "s’applique aux deux groupes.\n\n"
        "Les États Membres sont également convenus de mettre en œuvre la "
        "[campagne](https://refugeesmigrants.un.org/together) contre la xénophobie proposée "
        "par le Secrétaire général dans "
        "son rapport « Sécurité et dignité : gérer les déplacements massifs de réfugiés et "
        "de migrants », établi pour le Sommet du 19 septembre ([A/70/59](#)).\n\n"
        "Les modalités des négociations sur le pacte mondial pour des migrations sûres, "
        "ordonnées et régulières ([A/71/L.58](#)) chargent les commissions régionales du "
        "Secrétariat de l’Organisation des Nations Unies d’appuyer l’élaboration du pacte "
        "en organisant des débats et en examinant les dimensions régionales et sous-"
        "régionales des migrations. Les institutions nationales des droits de l’homme sont "
        "invitées à participer à la conférence intergouvernementale et à ses préparatifs.\n\n"
        "Dans son rapport à l’Assemblée générale à sa soixante et onzième session "
        "([A/71/285](#)), le Rapporteur spécial sur les droits de l’homme des migrants a "
        "formulé des recommandations concrètes pour intégrer une perspective fondée sur les "
        "droits de l’homme dans l’élaboration du pacte mondial.",
    ),
    "Organization": (
        "Organisation",
        "1. Le modérateur fera quelques remarques liminaires et présentera les intervenants.\n"
        "2. Chaque intervenant fera un exposé (10 minutes au plus) sur la manière dont lui-"
        "même, ou l’entité qu’il représente, peut contribuer au suivi de la Déclaration de "
        "New York et, en particulier, à l’élaboration du pacte mondial sur les migrations.\n"
        "3. Le modérateur animera la séance de questions et réponses et fera quelques "
        "remarques de conclusion.",
    ),
}
