package dev.evertone.park;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code park} section.
 *
 * @param lots the park lots evertone answers ({@code park.lots})
 * @param jitterFrames each party's jitter buffer delay in 20 ms frames ({@code
 *     conference.jitter-buffer}: the same audio path as a room)
 * @param mediaTimeout a party silent this long (no RTP at all) is hung up ({@code media.timeout});
 *     zero: never
 */
public record ParkSettings(List<LotSpec> lots, int jitterFrames, Duration mediaTimeout) {
  public ParkSettings {
    lots = List.copyOf(lots);
    Set<String> numbers = new HashSet<>();
    for (LotSpec lot : lots) {
      for (int n = lot.firstSlot() - 1; n <= lot.lastSlot(); n++) {
        String number = n < lot.firstSlot() ? lot.extension() : Integer.toString(n);
        if (!numbers.add(number + "@" + lot.domain())) {
          throw new IllegalArgumentException(
              "park.lots: "
                  + number
                  + "@"
                  + lot.domain()
                  + " belongs to two lots (or is a lot's extension and another's slot)");
        }
      }
    }
    if (jitterFrames < 1) {
      throw new IllegalArgumentException("park jitter buffer must be at least one 20 ms frame");
    }
  }
}
