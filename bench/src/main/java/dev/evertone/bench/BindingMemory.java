package dev.evertone.bench;

import dev.evertone.registrar.Binding;
import dev.evertone.registrar.LocationService;
import dev.evertone.sip.transport.TransportType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds N bindings (default 1,000,000) in the location service, as a registrar with N registered
 * phones does, and reports the heap they take per binding. Each binding is what a typical desk
 * phone registers: a contact with a transport parameter and an RFC 5626 instance id, a 36-character
 * Call-ID, a User-Agent shared by its model, a UDP source address.
 *
 * <p>usage: java -Xmx4g -cp evertone-bench.jar dev.evertone.bench.BindingMemory [N]
 */
public final class BindingMemory {
  private BindingMemory() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Clock clock = Clock.systemUTC();
    LocationService location = new LocationService(clock, 7200, new SimpleMeterRegistry());
    long before = usedAfterGc();
    long now = clock.millis();
    for (int i = 0; i < n; i++) {
      Binding b = deskPhone(i, now);
      location.update(
          aor(i),
          live -> {
            List<Binding> next = new ArrayList<>(live);
            next.add(b);
            return next;
          });
    }
    long after = usedAfterGc();
    System.out.printf(
        "bindings: %,d (addresses-of-record: %,d)%n", location.size(), location.aorCount());
    System.out.printf("heap used by the location service: %,d bytes%n", after - before);
    System.out.printf("bytes per binding: %d (target: under 1024)%n", (after - before) / n);
  }

  private static final String[] USER_AGENTS = {
    "Yealink SIP-T46U 108.86.0.20",
    "Polycom/6.4.3.5018 PolycomVVX-VVX_450-UA/6.4.3.5018",
    "Grandstream GXP2170 1.0.11.41",
    "Linphone/5.2.0 (belle-sip/5.2.0)",
    "Zoiper rv2.10.19.5"
  };

  /** The address-of-record of device {@code i}: 500 tenants. */
  static String aor(int i) {
    return "sip:" + (100000 + i) + "@tenant" + (i % 500) + ".example.com";
  }

  /**
   * Device {@code i}'s binding as a typical desk phone registers it, for an hour from {@code now}.
   */
  static Binding deskPhone(int i, long now) {
    String user = Integer.toString(100000 + i);
    byte[] ip = {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
    String contact =
        "sip:"
            + user
            + "@10."
            + (i >>> 16 & 255)
            + "."
            + (i >>> 8 & 255)
            + "."
            + (i & 255)
            + ":5060;transport=udp";
    String callId =
        new java.util.UUID(i * 0x9E3779B97F4A7C15L, ~i * 0xC2B2AE3D27D4EB4FL).toString();
    // User-Agents are interned by the registrar: one copy per distinct string
    return new Binding(
        new Binding.Contact(
            contact,
            ";+sip.instance=\"<urn:uuid:" + callId + ">\";reg-id=1",
            -1,
            "<urn:uuid:" + callId + ">",
            1),
        new Binding.Register(callId, 1 + (i % 1000), USER_AGENTS[i % USER_AGENTS.length], null),
        new Binding.Origin(TransportType.UDP, new InetSocketAddress(address(ip), 5060), null),
        now,
        now + 3_600_000);
  }

  /** An IP address from its bytes: no name is looked up. */
  private static InetAddress address(byte[] ip) {
    try {
      return InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
