package dev.evertone.proxy;

import static dev.evertone.proxy.Phone.header;
import static dev.evertone.proxy.ProxyHarness.DOMAIN;
import static dev.evertone.proxy.ProxyHarness.password;
import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.store.routing.Trunk;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls through the domain's trunks: a number its dial plan reads goes out through the first trunk
 * and on to the next when a carrier fails; a carrier's call to one of the domain's numbers rings
 * its extension. The carriers are UDP sockets of the test.
 */
class TrunkCallsTest {
  @TempDir static Path dir;
  private static ProxyHarness proxy;
  private static Phone carrierA;
  private static Phone carrierB;

  @BeforeAll
  static void start() throws Exception {
    proxy = new ProxyHarness(dir);
    proxy.addExtension("100", "caller");
    proxy.addExtension("500", "desk500");
    proxy.dialPlan("49", "0", "00");
    carrierA = new Phone(proxy.address(), "carrier-a", "carrier.example");
    carrierB = new Phone(proxy.address(), "carrier-b", "carrier.example");
    proxy.addTrunk("carrier-a", carrierA.port(), 1, Trunk.NumberFormat.E164);
    proxy.addTrunk("carrier-b", carrierB.port(), 2, Trunk.NumberFormat.DIGITS);
    proxy.addNumber("+4930123500", "500");
  }

  @AfterAll
  static void stop() {
    carrierA.close();
    carrierB.close();
    proxy.close();
  }

  @Test
  void aNumberGoesOutThroughTheFirstTrunkAndTheNextTakesItWhenTheCarrierAnswers503()
      throws Exception {
    try (Phone caller = new Phone(proxy.address(), "caller", DOMAIN)) {
      caller.dial("sip:00442079460000@" + DOMAIN, password("caller"));
      String atA = carrierA.next("INVITE");
      assertThat(atA)
          .startsWith(
              "INVITE sip:+442079460000@127.0.0.1:" + carrierA.port() + ";user=phone SIP/2.0\r\n");
      carrierA.send(carrierA.answer(atA, "503 Service Unavailable"));
      carrierA.next("ACK");

      String atB = carrierB.next("INVITE");
      assertThat(atB)
          .as("carrier-b wants digits without the plus")
          .startsWith(
              "INVITE sip:442079460000@127.0.0.1:" + carrierB.port() + ";user=phone SIP/2.0\r\n");
      carrierB.send(carrierB.answer(atB, "200 OK"));
      assertThat(header(caller.nextResponse(200), "Contact"))
          .isEqualTo("<" + carrierB.contact() + ">");
      assertThat(proxy.outcome("trunk-failover")).isEqualTo(1);
    }
  }

  @Test
  void aCarriersCallToANumberRingsItsExtensionWithoutAPassword() throws Exception {
    try (Phone desk = new Phone(proxy.address(), "desk500", DOMAIN)) {
      assertThat(desk.register(password(desk.user), "")).isEqualTo(200);
      String number = "sip:+4930123500@127.0.0.1:" + proxy.address().getPort();
      carrierB.send(carrierB.call(number).invite(""));
      String atDesk = desk.next("INVITE");
      assertThat(atDesk).startsWith("INVITE " + desk.contact() + " SIP/2.0\r\n");
      desk.send(desk.answer(atDesk, "200 OK"));
      assertThat(carrierB.nextResponse(200)).contains("Record-Route: ");
      assertThat(proxy.outcome("from-trunk")).isEqualTo(1);

      carrierB.send(carrierB.call(number.replace("+4930123500", "+4930999999")).invite(""));
      assertThat(carrierB.nextResponse(404)).contains("no such number");
    }
  }
}
