// Each command group registers itself here, lazily loaded so `minyi --help` stays fast.
// One line per group; the owning module lives beside this file.
export {}
