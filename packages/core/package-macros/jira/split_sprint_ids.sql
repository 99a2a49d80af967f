{#- fivetran's dbt_jira: split_sprint_ids(using_teams, …) selects one row per (issue day, sprint id) from the
    `daily_issue_field_history` CTE's `sprint` text ('1, 2'). Its default is BigQuery's
    (`unnest(cast(split(sprint, ", ") as array<string>))`: a syntax error on ClickHouse), so
    jira__daily_sprint_issue_history fails on ClickHouse — dbt-clickhouse too. This answers as its Postgres version
    (`unnest(string_to_array(sprint, ', '))`): one row per id as text, none for a NULL or empty sprint. -#}
{% macro clickhouse__split_sprint_ids(using_teams, include_story_points=false, include_story_point_estimate=false) %}
    select
        daily_issue_field_history.issue_id,
        daily_issue_field_history.source_relation,
        daily_issue_field_history.date_day,
        daily_issue_field_history.date_week,
        daily_issue_field_history.status,
        {{ "daily_issue_field_history.team," if using_teams }}
        {% if include_story_points %}
        {{ jira.convert_string_to_numeric('daily_issue_field_history.story_points') }} as story_points,
        {% endif %}
        {% if include_story_point_estimate %}
        {{ jira.convert_string_to_numeric('daily_issue_field_history.story_point_estimate') }} as story_point_estimate,
        {% endif %}
        sprints as sprint_id

    from daily_issue_field_history
    array join if(
        sprint is null or toString(sprint) = '',
        CAST([] AS Array(String)),
        splitByString(', ', assumeNotNull(toString(sprint)))
    ) as sprints

{% endmacro %}
