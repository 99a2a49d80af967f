{#- fivetran's dbt_hubspot: merge_contacts() selects one row per (contact, id merged into it) from the `contacts`
    CTE's `merged_object_ids` ('123;456'), when no contact_merge_audit table is enabled. Its default is BigQuery's
    (`cross join unnest(cast(split(x, ";") as array<string>))`: a double-quoted ";" is a column name on
    ClickHouse), so int_hubspot__contact_merge_adjust and what reads it fail on ClickHouse — dbt-clickhouse too.
    This answers as its Postgres version (`unnest(string_to_array(merged_object_ids, ';'))`): one row per id as
    text, none for a NULL or empty merged_object_ids (string_to_array('', ';') is an empty array). -#}
{% macro clickhouse__merge_contacts() %}
    select
        contacts.contact_id,
        merges as vid_to_merge

    from contacts
    array join if(
        merged_object_ids is null or toString(merged_object_ids) = '',
        CAST([] AS Array(String)),
        splitByChar(';', assumeNotNull(toString(merged_object_ids)))
    ) as merges

{% endmacro %}
