"""Form assembly: the specification, constraint units, the mixed-integer program (HiGHS), the
form report, standard setting and classification accuracy. See docs/assembly.md."""
