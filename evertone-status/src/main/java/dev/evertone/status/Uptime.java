package dev.evertone.status;

import dev.evertone.store.status.ComponentEvent;
import dev.evertone.store.status.ComponentStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A component's uptime per UTC day, from its status history: time in major outage counts fully as
 * down, time in partial outage for 30 % (as Statuspage weighs them); degraded performance and
 * maintenance count as up.
 */
public final class Uptime {
  private static final double PARTIAL_WEIGHT = 0.3;

  /**
   * One day of the bar.
   *
   * @param uptime the share of the day up, 0..1; null before the component existed
   * @param worst the worst status the component had that day
   */
  public record Day(LocalDate date, @Nullable Double uptime, ComponentStatus worst) {}

  /**
   * The bar: {@code days} days up to today, oldest first, and the uptime over the days with data.
   */
  public record Bar(List<Day> days, @Nullable Double uptime) {}

  private Uptime() {}

  /**
   * The bar of one component over the last {@code days} days.
   *
   * @param events the component's history from {@code now - days}, oldest first, starting with its
   *     status then
   */
  public static Bar of(List<ComponentEvent> events, Instant now, int days) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<Day> out = new ArrayList<>();
    double upSum = 0;
    double daysWithData = 0;
    for (int k = days - 1; k >= 0; k--) {
      LocalDate date = today.minusDays(k);
      Instant start = date.atStartOfDay(ZoneOffset.UTC).toInstant();
      Instant end = k == 0 ? now : start.plus(Duration.ofDays(1));
      double down = 0;
      double known = 0;
      ComponentStatus worst = ComponentStatus.OPERATIONAL;
      for (int i = 0; i < events.size(); i++) {
        ComponentEvent e = events.get(i);
        Instant from = e.at().isAfter(start) ? e.at() : start;
        Instant until = i + 1 < events.size() ? events.get(i + 1).at() : now;
        if (until.isAfter(end)) {
          until = end;
        }
        if (!until.isAfter(from)) {
          continue;
        }
        double seconds = Duration.between(from, until).toMillis() / 1000.0;
        known += seconds;
        worst = worst.worse(e.status());
        if (e.status() == ComponentStatus.MAJOR_OUTAGE) {
          down += seconds;
        } else if (e.status() == ComponentStatus.PARTIAL_OUTAGE) {
          down += seconds * PARTIAL_WEIGHT;
        }
      }
      if (known <= 0) {
        out.add(new Day(date, null, ComponentStatus.OPERATIONAL));
      } else {
        double up = 1 - down / known;
        out.add(new Day(date, up, worst));
        upSum += up * known;
        daysWithData += known;
      }
    }
    return new Bar(out, daysWithData == 0 ? null : upSum / daysWithData);
  }
}
