"""Producers of extra map kinds for the one attention record (issue 18, "Is the attention telling
the truth?"): attention rollout and flow (``rollout``), gradient attribution with Captum
(``attribution``), head ablation and head importance (``ablation``), attention edits and what-if
decoding (``editing``), and agreement tables between methods and with gold alignments
(``agreement``). Each returns ``core_models.record.AttentionMap``s or tables over them.

Captum and scipy (the ``explain`` extra) are imported inside the functions that use them, so
importing ``core_models`` never needs them.
"""
