/**
 * Background execution: job handlers, library-scan entities and schedules. The package exists so the
 * dependency direction (domain <- server <- workers) is fixed from the start; the jobs issue fills it.
 */
export {}
