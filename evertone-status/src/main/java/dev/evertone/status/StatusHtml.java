package dev.evertone.status;

import static dev.evertone.status.Html.esc;

import dev.evertone.store.status.Component;
import dev.evertone.store.status.ComponentStatus;
import dev.evertone.store.status.Incident;
import dev.evertone.store.status.IncidentKind;
import dev.evertone.store.status.IncidentUpdate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The public status page in HTML, rendered on the server: readable without JavaScript, in any
 * browser, by screen readers (the uptime bars have text). Everything shown is public: no tenant is
 * ever named.
 */
final class StatusHtml {
  // a blank line (maybe with spaces) between two paragraphs of a postmortem
  private static final Pattern PARAGRAPHS = Pattern.compile("\n\\s*\n");
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MMM d, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("MMM d, yyyy", Locale.ENGLISH);
  private static final String STYLE =
      """
      body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:860px;margin:0 auto;padding:1rem;color:#222}
      h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}a{color:#2563eb}
      .banner{padding:1rem;border-radius:6px;color:#fff;font-weight:600;font-size:1.1rem}
      .none{background:#16a34a}.minor{background:#ca8a04}.major{background:#ea580c}.critical{background:#dc2626}.maintenance{background:#2563eb}
      .incident{border:1px solid #ddd;border-left:6px solid #ca8a04;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
      .impact-major{border-left-color:#ea580c}.impact-critical{border-left-color:#dc2626}.impact-none{border-left-color:#999}
      .impact-maintenance{border-left-color:#2563eb}
      .update{margin:.5rem 0}.update time{color:#666;font-size:.85rem;display:block}
      .group{margin-top:1rem;font-weight:600}.component{border-bottom:1px solid #eee;padding:.6rem 0}
      .row{display:flex;justify-content:space-between}.s-operational{color:#16a34a}.s-degraded_performance{color:#ca8a04}
      .s-partial_outage{color:#ea580c}.s-major_outage{color:#dc2626}.s-under_maintenance{color:#2563eb}.s-off{color:#6b7280}
      .bar{display:flex;gap:1px;height:28px;margin-top:.4rem}.bar span{flex:1;border-radius:1px;background:#16a34a}
      .bar .d-none{background:#ddd}.bar .d-degraded_performance{background:#16a34a}.bar .d-partial_outage{background:#ea580c}
      .bar .d-major_outage{background:#dc2626}.bar .d-under_maintenance{background:#2563eb}
      .legend{display:flex;justify-content:space-between;color:#666;font-size:.8rem}
      .day h3{font-size:1rem;border-bottom:1px solid #ddd}.muted{color:#666}footer{margin-top:2rem;color:#666;font-size:.85rem}
      """;

  /** Everything one rendering of the page needs. */
  record View(
      String pageName,
      StatuspageJson.PageStatus status,
      List<Component> components,
      Map<String, Uptime.Bar> uptime,
      List<Incident> open,
      List<Incident> maintenances,
      List<Incident> history,
      boolean mail,
      Instant now,
      int historyDays,
      Set<String> notConfigured) {}

  private StatusHtml() {}

  static String page(View v) {
    StringBuilder b = head(v.pageName(), v.pageName());
    b.append("<div id=\"status\" class=\"banner ")
        .append(esc(v.status().indicator()))
        .append("\">")
        .append(esc(v.status().description()))
        .append("</div>\n");
    if (!v.open().isEmpty()) {
      b.append("<section id=\"incidents\"><h2>Current incidents</h2>\n");
      v.open().forEach(i -> incident(b, i, true));
      b.append("</section>\n");
    }
    if (!v.maintenances().isEmpty()) {
      b.append("<section id=\"maintenances\"><h2>Scheduled maintenance</h2>\n");
      v.maintenances().forEach(i -> incident(b, i, true));
      b.append("</section>\n");
    }
    components(b, v);
    history(b, v);
    subscribe(b, v.mail());
    return foot(b);
  }

  static String incidentPage(String pageName, Incident i) {
    StringBuilder b = head(i.name() + " - " + pageName, pageName);
    incident(b, i, false);
    if (i.postmortemPublishedAt() != null && i.postmortem() != null) {
      b.append("<section id=\"postmortem\"><h2>Postmortem</h2>");
      // limit 0: blank lines at the end make no empty paragraph
      for (String para : PARAGRAPHS.split(i.postmortem(), 0)) {
        b.append("<p>").append(esc(para.strip())).append("</p>");
      }
      b.append("<p class=\"muted\">Published ")
          .append(TIME.format(i.postmortemPublishedAt()))
          .append("</p></section>\n");
    }
    b.append("<p><a href=\"/\">Current status</a></p>\n");
    return foot(b);
  }

  static String message(
      String pageName,
      String title,
      String text,
      @Nullable String formAction,
      @Nullable String button) {
    StringBuilder b = head(title + " - " + pageName, pageName);
    b.append("<h2>").append(esc(title)).append("</h2><p>").append(esc(text)).append("</p>\n");
    if (formAction != null && button != null) {
      b.append("<form method=\"post\" action=\"")
          .append(esc(formAction))
          .append("\"><button type=\"submit\">")
          .append(esc(button))
          .append("</button></form>\n");
    }
    b.append("<p><a href=\"/\">Current status</a></p>\n");
    return foot(b);
  }

  private static StringBuilder head(String title, String pageName) {
    StringBuilder b = new StringBuilder(16_384);
    b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        .append(esc(title))
        .append("</title>")
        .append(
            "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"/history.rss\">")
        .append(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom\" href=\"/history.atom\">")
        .append("<style>")
        .append(STYLE)
        .append(
            "</style></head>\n<body><header><h1><a href=\"/\" style=\"color:inherit;text-decoration:none\">")
        .append(esc(pageName))
        .append("</a></h1></header>\n<main>\n");
    return b;
  }

  private static String foot(StringBuilder b) {
    b.append(
            "</main>\n<footer>Subscribe to updates by <a href=\"/history.rss\">RSS</a> or <a href=\"/history.atom\">Atom</a>; ")
        .append(
            "machine-readable status at <a href=\"/api/v2/summary.json\">/api/v2/summary.json</a>. Powered by evertone.</footer>\n")
        .append("</body></html>\n");
    return b.toString();
  }

  private static void incident(StringBuilder b, Incident i, boolean link) {
    b.append("<article class=\"incident impact-")
        .append(i.impact().wire())
        .append("\" id=\"incident-")
        .append(esc(i.id()))
        .append("\">");
    b.append("<h3>");
    if (link) {
      b.append("<a href=\"/incidents/")
          .append(esc(i.id()))
          .append("\">")
          .append(esc(i.name()))
          .append("</a>");
    } else {
      b.append(esc(i.name()));
    }
    b.append("</h3>");
    if (i.kind() == IncidentKind.MAINTENANCE
        && i.scheduledFor() != null
        && i.scheduledUntil() != null) {
      b.append("<p class=\"muted\">Scheduled for ")
          .append(TIME.format(i.scheduledFor()))
          .append(" - ")
          .append(TIME.format(i.scheduledUntil()))
          .append("</p>");
    }
    for (IncidentUpdate u : i.updates()) {
      b.append("<div class=\"update\"><strong>")
          .append(esc(Notifications.words(u.status().wire())))
          .append("</strong> - ")
          .append(esc(u.body()))
          .append("<time datetime=\"")
          .append(u.createdAt())
          .append("\">")
          .append(TIME.format(u.createdAt()))
          .append("</time></div>");
    }
    b.append("</article>\n");
  }

  private static void components(StringBuilder b, View v) {
    b.append("<section id=\"components\"><h2>Components</h2>\n");
    String group = null;
    for (Component c : v.components()) {
      if (c.group() != null && !c.group().equals(group)) {
        b.append("<div class=\"group\">").append(esc(c.group())).append("</div>\n");
      }
      group = c.group();
      b.append("<div class=\"component\" id=\"component-")
          .append(esc(c.id()))
          .append("\"><div class=\"row\"><span class=\"name\">")
          .append(esc(c.name()))
          .append("</span>");
      if (v.notConfigured().contains(c.id())) {
        // not offered here: neither operational nor down, and no uptime to show
        b.append("<span class=\"status s-off\">Not configured</span></div></div>\n");
        continue;
      }
      b.append("<span class=\"status s-")
          .append(c.status().wire())
          .append("\">")
          .append(esc(Notifications.words(c.status().wire())))
          .append("</span></div>");
      Uptime.Bar bar = v.uptime().get(c.id());
      if (bar != null) {
        String total =
            bar.uptime() == null
                ? "no data"
                : String.format(Locale.ROOT, "%.2f %% uptime", 100 * bar.uptime());
        b.append("<div class=\"bar\" role=\"img\" aria-label=\"")
            .append(esc(c.name()))
            .append(": ")
            .append(total)
            .append(" over ")
            .append(bar.days().size())
            .append(" days\">");
        for (Uptime.Day d : bar.days()) {
          String cls =
              d.uptime() == null
                  ? "none"
                  : d.worst() == ComponentStatus.OPERATIONAL ? "ok" : d.worst().wire();
          String title =
              DAY.format(d.date())
                  + ": "
                  + (d.uptime() == null
                      ? "no data"
                      : String.format(Locale.ROOT, "%.2f %%", 100 * d.uptime()));
          b.append("<span class=\"d-")
              .append(cls)
              .append("\" title=\"")
              .append(esc(title))
              .append("\"></span>");
        }
        b.append("</div><div class=\"legend\"><span>")
            .append(bar.days().size())
            .append(" days ago</span><span class=\"uptime\">")
            .append(total)
            .append("</span><span>Today</span></div>");
      }
      b.append("</div>\n");
    }
    b.append("</section>\n");
  }

  private static void history(StringBuilder b, View v) {
    b.append("<section id=\"history\"><h2>Past incidents</h2>\n");
    Map<LocalDate, List<Incident>> byDay = new LinkedHashMap<>();
    LocalDate today = LocalDate.ofInstant(v.now(), ZoneOffset.UTC);
    for (int k = 0; k < v.historyDays(); k++) {
      byDay.put(today.minusDays(k), new ArrayList<>());
    }
    for (Incident i : v.history()) {
      List<Incident> day = byDay.get(LocalDate.ofInstant(i.createdAt(), ZoneOffset.UTC));
      if (day != null) {
        day.add(i);
      }
    }
    // an incident still open is shown above, in full; its day must not say there was none
    Map<LocalDate, Integer> openByDay = new LinkedHashMap<>();
    for (Incident i : v.open()) {
      openByDay.merge(LocalDate.ofInstant(i.createdAt(), ZoneOffset.UTC), 1, Integer::sum);
    }
    byDay.forEach(
        (day, incidents) -> {
          b.append("<div class=\"day\"><h3>").append(DAY.format(day)).append("</h3>");
          int open = openByDay.getOrDefault(day, 0);
          if (open > 0) {
            b.append("<p class=\"muted\">")
                .append(open == 1 ? "An incident" : open + " incidents")
                .append(" in progress, shown above.</p>");
          } else if (incidents.isEmpty()) {
            b.append("<p class=\"muted\">No incidents reported.</p>");
          }
          incidents.forEach(i -> incident(b, i, true));
          b.append("</div>\n");
        });
    b.append("</section>\n");
  }

  private static void subscribe(StringBuilder b, boolean mail) {
    if (!mail) {
      return;
    }
    b.append(
            "<section id=\"subscribe\"><h2>Get updates by mail</h2><form method=\"post\" action=\"/subscribe\">")
        .append(
            "<label>Mail address <input type=\"email\" name=\"email\" required maxlength=\"320\"></label> ")
        .append("<button type=\"submit\">Subscribe</button></form></section>\n");
  }
}
