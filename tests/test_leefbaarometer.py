"""The Leefbaarometer beside our index: nine contiguous named classes, the wijk series 2002-2024,
the class per area and year, and the Spearman agreement per dimension."""
from __future__ import annotations

from assets.indicators import write_leefbaarometer
from assets.leefbaarometer import lbm_agreement, write_lbm_reference
from sources.leefbaarometer import load_classes
from engine.sqlmodels import build, discover


def test_nine_named_classes_cover_the_whole_line_without_gaps():
    spec = load_classes()
    classes = spec["classes"]
    assert [c["klasse"] for c in classes] == list(range(1, 10))
    assert classes[0]["nl"] == "zeer onvoldoende" and classes[-1]["nl"] == "uitstekend"
    assert classes[0]["lower"] is None and classes[-1]["upper"] is None
    assert all(a["upper"] == b["lower"] for a, b in zip(classes, classes[1:]))
    assert spec["source"] and "verified" in spec


def test_wijk_series_and_buurten_get_their_class_and_agreement_is_measured(stationary_world):
    con = stationary_world
    write_leefbaarometer(con)
    write_lbm_reference(con)
    build(con, next(m for m in discover() if m.table == "marts.leefbaarometer"))
    years = [r[0] for r in con.execute("""select distinct jaar from marts.leefbaarometer
                                          where area_level = 'wijk' order by 1""").fetchall()]
    assert years[0] == 2002 and years[-1] == 2024
    assert con.execute("select count(distinct area_code) from marts.leefbaarometer "
                       "where area_level = 'wijk'").fetchall()[0][0] == 20
    # every score gets exactly one class, and the class matches its bounds
    assert con.execute("""select count(*) from marts.leefbaarometer
                          where afw is not null and klasse is null""").fetchall()[0][0] == 0
    assert con.execute("""select count(*) from marts.leefbaarometer as l
                          join core.leefbaarometer_klassen as k using (klasse)
                          where (k.lower is not null and l.afw < k.lower)
                             or (k.upper is not null and l.afw >= k.upper)""").fetchall()[0][0] == 0
    rows = lbm_agreement(con, "2025")
    assert {(r["dimension"], r["lbm_dimension"]) for r in rows} == {
        ("wonen", "won"), ("veiligheid", "onv"), ("sociaal", "soc"), ("totaal", "afw")}
    assert all(r["buurten"] == 87 and -1 <= r["spearman"] <= 1 for r in rows)
