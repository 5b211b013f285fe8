"""Which sheet column feeds which provider field, and the leads that come out of it.

A sales-ops file rarely says ``email``: it says ``E-mail``, ``Courriel``, ``Adresse e-mail``
or nothing at all (``Column 3``). Suggestions therefore go through three steps, in order of
trust: a synonym table in seven languages (after normalising case, accents, punctuation and
camelCase), fuzzy matching against the same table, and sniffing a sample of the values. Each
step yields a provider-neutral *concept* (``email``, ``first_name``...) that
:attr:`gui.core.domain.LeadField.concept` turns into the chosen provider's field, so one
file maps itself to any of the four providers.

- :mod:`.columns`: the mapping itself (:class:`~.columns.ColumnMapping`) and the header fingerprint.
- :mod:`.headers`: what a header's text names (normalising, the synonym table, fuzzy matching).
- :mod:`.values`: what a column's values look like (emails, phones, US states...).
- :mod:`.suggest`: the suggested mapping for one provider, and custom-variable names.
- :mod:`.map_args`: the CLI's ``--map "Header=field"`` items.
- :mod:`.payload`: the leads a mapping builds, and the JSON body one row would be sent in.
"""
