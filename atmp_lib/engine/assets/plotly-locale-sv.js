/* Swedish texts for plotly.js: the chart toolbar, hints and number and date formats.
   Registered as the locale "sv"; Swedish pages draw their charts with {locale: "sv"}. */
(function () {
  if (!window.Plotly) { return; }
  window.Plotly.register({
    moduleType: "locale",
    name: "sv",
    dictionary: {
      "Autoscale": "Skala automatiskt",
      "Box Select": "Markera med rektangel",
      "Compare data on hover": "Jämför värden vid hovring",
      "Double-click on legend to isolate one trace": "Dubbelklicka på förklaringen för att visa en serie",
      "Double-click to zoom back out": "Dubbelklicka för att zooma ut igen",
      "Download plot": "Ladda ned diagrammet",
      "Download plot as a PNG": "Ladda ned diagrammet som PNG",
      "Download plot as SVG": "Ladda ned diagrammet som SVG",
      "Lasso Select": "Markera med lasso",
      "Pan": "Panorera",
      "Produced with Plotly.js": "Skapat med Plotly.js",
      "Reset": "Återställ",
      "Reset axes": "Återställ axlarna",
      "Reset view": "Återställ vyn",
      "Reset views": "Återställ vyerna",
      "Show closest data on hover": "Visa närmaste värde vid hovring",
      "Snapshot succeeded": "Bilden är klar",
      "Sorry, there was a problem downloading your image!": "Bilden kunde inte laddas ned.",
      "Taking snapshot - this may take a few seconds": "Skapar bilden – det kan ta några sekunder",
      "Toggle Spike Lines": "Visa eller dölj hjälplinjer",
      "Zoom": "Zooma",
      "Zoom in": "Zooma in",
      "Zoom out": "Zooma ut",
      "trace": "serie"
    },
    format: {
      days: ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
      shortDays: ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
      months: ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december"],
      shortMonths: ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt",
                    "nov", "dec"],
      date: "%Y-%m-%d",
      decimal: ",",
      thousands: "\u202f"
    }
  });
})();
