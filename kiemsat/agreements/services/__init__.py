"""Every write to instruments: atomic, validated before saving, audited in the transaction.

Validation errors are ``ValidationError`` dicts keyed by the form field they concern, in
Vietnamese, so views put them next to the field and imports prefix them with the row.
Each change is recorded against the instrument, so its page shows one history.

The writes are split by what they change: ``instruments`` (an instrument, its signed
scans, and the rules and helpers the others share), ``parties`` (its parties, clauses
and duties), ``reviews`` (its sơ kết / tổng kết) and ``imports`` (a file of them).
"""
