"""Pure Python: per-provider checks over the whole sheet, vectorised, with messages people understand.

Every rule runs over a whole column at once through pyarrow compute kernels (RE2 regexes,
set membership, dictionary encoding), never a Python loop per row. Phones are the one value
that needs a real parser: they are dictionary-encoded first, so each distinct number is
parsed once, and numbers of the default region in an everyday format are checked against
libphonenumber's own metadata patterns in bulk; only the rest go through ``phonenumbers``.

Issues are stored compactly: per checked column one ``uint8`` code per row (0 = fine) and
the list of rules those codes stand for. Messages are written only when someone asks
(:meth:`Validation.cell`, :meth:`Validation.row_messages`), quoting the cell's value, so
1M rows cost a few megabytes instead of a million strings.

- :mod:`.rules`: a rule (a severity and a message written on demand) and the per-column codes.
- :mod:`.kernels`: the value patterns and the arrow pieces every rule runs through.
- :mod:`.phones`: E.164 phone numbers, in bulk from libphonenumber's metadata where it can be.
- :mod:`.linkedin`: LinkedIn profile URLs as comparison keys and in their canonical form.
- :mod:`.result`: :class:`~.result.Validation`, what is wrong where.
- :mod:`.checker`: :func:`~.checker.validate`, the provider's rules over every mapped column.
"""
