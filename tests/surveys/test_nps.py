"""surveys.nps: the bands are written once, and every page and email sorts scores through them."""

import pytest
from django.template import Context, Template
from django.utils import translation

from surveys import nps

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("score", "category"),
    [(0, "detractor"), (6, "detractor"), (7, "passive"), (8, "passive"), (9, "promoter"), (10, "promoter")],
)
def test_the_bands_at_their_edges(score, category):
    assert nps.category_for(score) == category


def test_the_bands_cover_every_score_once():
    covered = [score for category in (nps.DETRACTOR, nps.PASSIVE, nps.PROMOTER) for score in range(*nps.band(category))]
    covered += [nps.band(category)[1] for category in (nps.DETRACTOR, nps.PASSIVE, nps.PROMOTER)]
    assert sorted(covered) == list(nps.SCORES)


def test_band_labels_read_in_each_language():
    with translation.override("fa"):
        assert nps.band_label(nps.PROMOTER) == "مروجان (۹ تا ۱۰)"
        assert nps.band_label(nps.DETRACTOR) == "منتقدان (۰ تا ۶)"
    with translation.override("en"):
        assert nps.band_label(nps.PASSIVE) == "Passives (7 to 8)"


@pytest.mark.parametrize(("score", "colour"), [(6, "text-bg-danger"), (7, "text-bg-warning"), (9, "text-bg-success")])
def test_the_badge_colours_follow_the_bands(score, colour):
    html = Template('{% include "includes/nps_badge.html" %}').render(Context({"score": score}))
    assert colour in html


def test_the_results_page_labels_its_figures_with_the_bands(manager_client):
    html = manager_client.get("/surveys/").content.decode()
    assert "مروجان (۹ تا ۱۰)" in html
    assert "خنثی‌ها (۷ تا ۸)" in html


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("score", [None, 0, 6, 7, 9, 10])
def test_the_nps_badge_tag_draws_what_the_include_draws(language, score):
    with translation.override(language):
        included = Template('{% include "includes/nps_badge.html" %}').render(Context({"score": score}))
        tagged = Template("{% load surveys_tags %}{% nps_badge score %}").render(Context({"score": score}))
    assert tagged == included
