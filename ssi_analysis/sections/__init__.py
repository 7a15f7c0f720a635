"""Report sections: each returns a :class:`~ssi_analysis.display.View` a notebook cell shows.

- :mod:`~ssi_analysis.sections.member`: the member report, adapting to the data there are.
- :mod:`~ssi_analysis.sections.team`: the team report and its coaching view.
- :mod:`~ssi_analysis.sections.common`: notes, glossary, "About this report", saved tables.
"""
