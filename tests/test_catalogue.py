"""The catalogue is data: every seed credential is there with its rule fields, and bad rules files say why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from cpd import RulesError, load_catalogue

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "domain" / "credentials.seed.yaml"


def seed_entries():
    if not SEED.exists():
        pytest.skip("shared/domain/credentials.seed.yaml is not beside this checkout")
    return [e for e in yaml.safe_load(SEED.read_text(encoding="utf-8")) if "cycle_years" in e]


def test_every_seed_credential_is_in_the_bundled_catalogue_with_the_seed_values():
    cat = load_catalogue()
    for e in seed_entries():
        c = cat[e["id"]]
        assert c.cycle_years == e["cycle_years"], e["id"]
        assert c.required_credits == e["required_credits"], e["id"]
        assert c.hours_per_unit == e["hours_per_unit"], e["id"]
        assert c.cpr_required == e["cpr_required"], e["id"]
        assert c.cpr_counts_credits == e["cpr_counts_credits"], e["id"]
        assert c.grace_days == e["grace_days"], e["id"]
        assert list(c.sources) == e["sources"], e["id"]
        assert c.confidence, e["id"]


@pytest.mark.parametrize(
    ("cid", "hours"), [("nasm_cpt", 10), ("issa_cpt", 1), ("ncsf_cpt", 2), ("nfpt_cpt", 5)]
)
def test_ceu_means_different_hours_at_different_bodies(cid, hours):
    assert load_catalogue()[cid].hours_per_unit == hours


def test_rules_file_overrides_and_adds_by_id(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text(
        "credentials:\n"
        "  - id: nasm_cpt\n    grace_days: 90\n"
        "  - id: zumba_zin\n    body: ZUMBA\n    name: Zumba Instructor\n    aliases: [Zumba, ZIN]\n"
        "    cycle_years: 1\n    required_credits: null\n",
        encoding="utf-8",
    )
    cat = load_catalogue(f)
    assert cat["nasm_cpt"].grace_days == 90 and cat["nasm_cpt"].required_credits == 2.0
    assert cat.match("Zumba Instructor") == "zumba_zin"
    assert cat.version != load_catalogue().version


def test_exported_rules_round_trip(tmp_path):
    cat = load_catalogue()
    f = tmp_path / "rules.yaml"
    f.write_text(cat.to_yaml(), encoding="utf-8")
    again = load_catalogue(f)
    assert again.credentials == cat.credentials


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("credentials: [", "not valid YAML"),
        ("just text", "must hold a list named 'credentials'"),
        ("credentials:\n  - body: X\n", "needs an id"),
        (
            "credentials:\n  - id: nasm_cpt\n    hours_per_unit: ten\n",
            "nasm_cpt.hours_per_unit must be a number",
        ),
        ("credentials:\n  - id: nasm_cpt\n    hours_per_unit: 0\n", "more than 0"),
        ("credentials:\n  - id: nasm_cpt\n    colour: red\n", "fields Recert does not know: colour"),
        ("credentials:\n  - id: Bad Id\n    body: X\n", "lower-case letters"),
        ("credentials:\n  - id: new_one\n    body: X\n    name: Y\n", "needs cycle_years"),
    ],
)
def test_invalid_rules_files_get_a_clear_sentence(tmp_path, text, message):
    f = tmp_path / "r.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_catalogue(f)


def test_missing_rules_file_is_a_clear_error(tmp_path):
    with pytest.raises(RulesError, match="cannot be read"):
        load_catalogue(tmp_path / "nope.yaml")


# Two credentials of one body are two catalogue entries (canfitpro PTS and FIS were one id, and one was dropped).
@pytest.mark.parametrize(
    ("written", "cid"),
    [
        ("canfitpro PTS", "canfitpro_pts"),
        ("canfitpro Personal Training Specialist", "canfitpro_pts"),
        ("Personal Training Specialist", "canfitpro_pts"),
        ("canfitpro FIS", "canfitpro_fis"),
        ("Fitness Instructor Specialist", "canfitpro_fis"),
        ("CANFITPRO-FIS", "canfitpro_fis"),
        ("Fitness Instructor Specialist (canfitpro)", "canfitpro_fis"),
        ("canfitpro", "canfitpro_pts"),
        ("ACSM", "acsm_cpt"),
        ("ACSM-CPT", "acsm_cpt"),
        ("ACSM GEI", "acsm_gei"),
        ("ACSM Group Exercise Instructor", "acsm_gei"),
        ("ACSM EP", "acsm_ep"),
        ("ACSM Certified Exercise Physiologist", "acsm_ep"),
        ("ACSM-CEP", "acsm_cep"),
        ("ACSM Certified Clinical Exercise Physiologist", "acsm_cep"),
        ("NETA", "neta_pt_gei"),
        ("NETA PT", "neta_pt_gei"),
        ("NETA GEI", "neta_gei"),
        ("NETA Group Exercise Instructor", "neta_gei"),
        ("FIS", None),
        ("PTS", None),
    ],
)
def test_name_matching_picks_the_right_credential_of_a_body(written, cid):
    assert load_catalogue().match(written) == cid


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("canfitpro PTS", "canfitpro FIS"),
        ("ACSM CPT", "ACSM GEI"),
        ("ACSM EP", "ACSM CEP"),
        ("NETA PT", "NETA GEI"),
        ("NASM CPT", "AFAA GFI"),
        ("ACE CPT", "ACE GFI"),
        ("NSCA CSCS", "NSCA-CPT"),
    ],
)
def test_a_trainer_holding_two_credentials_of_one_body_keeps_both(first, second):
    from datetime import date

    from tests.helpers import row_of, run

    st = run(
        {"r.csv": f"Trainer,Certification,Expiration\nTw O,{first},2027-01-31\nTw O,{second},2027-03-31\n"},
        as_of=date(2026, 6, 1),
    )
    cat = load_catalogue()
    assert row_of(st, "Tw O", cat.match(first))["expires"] != row_of(st, "Tw O", cat.match(second))["expires"]
    assert not any("listed 2 times" in w for w in st.warnings)


def test_no_catalogue_entry_is_two_credentials_under_one_id():
    """A name like "X / Y" or "X (also Y)" was how two credentials got folded into one id. ISSA CPT / CFT is one
    credential under its old and new name; RYT 200 / 500 / E-RYT are levels of one Yoga Alliance registration."""
    for c in load_catalogue().credentials.values():
        if c.kind == "certification" and c.id not in ("issa_cpt", "ya_ryt"):
            assert " / " not in c.name and "(also" not in c.name, c.id


def test_the_split_credentials_keep_their_bodys_rules_with_sources():
    cat = load_catalogue()
    for new, old in (
        ("canfitpro_fis", "canfitpro_pts"),
        ("acsm_gei", "acsm_cpt"),
        ("acsm_cep", "acsm_ep"),
        ("neta_gei", "neta_pt_gei"),
    ):
        a, b = cat[new], cat[old]
        assert (
            a.body,
            a.cycle_years,
            a.required_credits,
            a.unit,
            a.hours_per_unit,
            a.cpr_required,
            a.grace_days,
        ) == (
            b.body,
            b.cycle_years,
            b.required_credits,
            b.unit,
            b.hours_per_unit,
            b.cpr_required,
            b.grace_days,
        ), new
        assert a.sources and a.confidence and not a.main, new


def test_the_bundled_catalogue_stays_well_inside_the_rules_file_bounds():
    """The bounds a rules file must meet leave room for a club's own courses: keep them 4x above the bundled rules."""
    from importlib import resources

    from cpd import catalogue as mod

    text = resources.files("cpd").joinpath("credentials.yaml").read_text(encoding="utf-8")
    values = sum(isinstance(e, yaml.NodeEvent) for e in yaml.parse(text, Loader=mod._LOADER))
    cat = load_catalogue()
    assert len(text.encode("utf-8")) * 4 < mod.MAX_RULES_BYTES and values * 4 < mod.MAX_NODES
    assert len(cat.credentials) * 4 < mod.MAX_CREDENTIALS and len(cat.body_aliases) * 4 < mod.MAX_BODIES
    assert max(len(c.aliases) for c in cat.credentials.values()) * 3 < mod.MAX_ALIASES
    assert max(len(c.sources) for c in cat.credentials.values()) * 4 < mod.MAX_SOURCES


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "credentials:\n  - id: nasm_cpt\n    cycle_years: 40\n",
            "nasm_cpt.cycle_years must be more than 0, between 0.25 and 10",
        ),
        (
            "credentials:\n  - id: nasm_cpt\n    grace_days: 99999\n",
            "nasm_cpt.grace_days must be between 0 and 3650 days",
        ),
        (
            "credentials:\n  - id: nasm_cpt\n    body_name: [NASM]\n",
            "nasm_cpt.body_name must be text, not a list",
        ),
        ("credentials:\n  - id: nasm_cpt\n    aliases: [ace]\n", "'ace' is the name of the body ACE"),
        ("x: &a [1]\ncredentials: *a\n", "anchors or aliases"),
    ],
)
def test_rules_files_are_refused_with_the_credential_and_field_named(tmp_path, text, message):
    f = tmp_path / "r.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=re.escape(message)):
        load_catalogue(f)
