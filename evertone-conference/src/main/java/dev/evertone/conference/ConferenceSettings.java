package dev.evertone.conference;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code conference} section.
 *
 * @param rooms the rooms evertone answers ({@code conference.rooms})
 * @param maxRooms the most rooms with someone in them at once ({@code conference.max-rooms})
 * @param maxParticipants the most parties in one room ({@code conference.max-participants})
 * @param pinTries wrong PINs before the caller hears goodbye and is hung up ({@code
 *     conference.pin-tries})
 * @param jitterFrames each party's jitter buffer delay in 20 ms frames ({@code
 *     conference.jitter-buffer})
 * @param mediaTimeout a party silent this long (no RTP at all) is hung up ({@code media.timeout});
 *     zero: never
 */
public record ConferenceSettings(
    List<RoomSpec> rooms,
    int maxRooms,
    int maxParticipants,
    int pinTries,
    int jitterFrames,
    Duration mediaTimeout) {

  public ConferenceSettings {
    rooms = List.copyOf(rooms);
    Set<String> ids = new HashSet<>();
    for (RoomSpec r : rooms) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("conference.rooms names " + r.id() + " twice");
      }
    }
    if (maxRooms < 1 || maxParticipants < 2 || pinTries < 1 || jitterFrames < 1) {
      throw new IllegalArgumentException(
          "conference.max-rooms >= 1, conference.max-participants >= 2, conference.pin-tries >= 1"
              + " and conference.jitter-buffer >= 20ms");
    }
  }
}
