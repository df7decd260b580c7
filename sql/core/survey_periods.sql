-- The resident survey per buurt, year and question, in the period shape of the other facts
-- (period_type 'year'): the subjective half of the liveability index. Scores are means on 0-10;
-- score x respondents gives a numerator that adds up over buurten.
with survey as (
    select buurtcode, jaar, vraag, n_respondenten, score
    from staging.bewoners__bewonersenquete
    where n_respondenten > 0 and score is not null
),

final as (
    select
        buurtcode,
        'year' as period_type,
        cast(jaar as varchar) as period,
        vraag,
        n_respondenten,
        score,
        score * n_respondenten as score_points
    from survey
)

select * from final
