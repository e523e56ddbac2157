-- Whether a difficulty (source 'sheet' or 'app', its ref, and the text as it was when handled)
-- is already marked handled: a difficulty is handled once; an edited text is a new difficulty.
-- params: $source, $ref, $text_handled
-- grain: one row (a boolean)
select exists (
    select 1
    from difficulty_handled
    where source = $source and ref = $ref and text_handled = $text_handled
) as handled
