package dev.evertone.proxy;

import static dev.evertone.proxy.Phone.header;
import static dev.evertone.proxy.ProxyHarness.DOMAIN;
import static dev.evertone.proxy.ProxyHarness.password;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a request must pass before the proxy routes it: the checks of RFC 3261 16.3, digest
 * authentication of the caller (22.3), a sender that speaks only as itself, a target of its own
 * domain; and what a caller hears when the target cannot be reached.
 */
class EntryChecksTest {
  private static final String TARGET = "sip:300@" + DOMAIN;

  @TempDir static Path dir;
  private static ProxyHarness proxy;

  private Phone caller;
  private Phone device;

  @BeforeAll
  static void start() throws Exception {
    proxy = new ProxyHarness(dir);
    proxy.addExtension("100", "caller");
    proxy.addExtension("300", "desk300");
    proxy.addExtension("301", "desk301");
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void devices() throws IOException {
    caller = new Phone(proxy.address(), "caller", DOMAIN);
    device = new Phone(proxy.address(), "desk300", DOMAIN);
    assertThat(device.register(password(device.user), "")).isEqualTo(200);
  }

  @AfterEach
  void hangUp() {
    caller.close();
    device.close();
  }

  @Test
  void aRequestWithNoHopsLeftGets483AndGoesNoFurther() throws Exception {
    String invite = caller.call(TARGET).invite("").replace("Max-Forwards: 70", "Max-Forwards: 0");
    assertThat(caller.exchange(invite)).startsWith("SIP/2.0 483 ");
    assertThat(device.hearsNothing(200)).isTrue();
  }

  @Test
  void aRequestThatRequiresAnExtensionOfTheProxyGets420NamingIt() throws Exception {
    String answer = caller.exchange(caller.call(TARGET).invite("Proxy-Require: x-teleport\r\n"));
    assertThat(answer).startsWith("SIP/2.0 420 ");
    assertThat(header(answer, "Unsupported")).isEqualTo("x-teleport");
  }

  @Test
  void aCallerWithoutCredentialsIsChallengedWith407AndNothingRings() throws Exception {
    String challenge = caller.exchange(caller.call(TARGET).invite(""));
    assertThat(challenge).startsWith("SIP/2.0 407 ");
    assertThat(Phone.headers(challenge, "Proxy-Authenticate"))
        .allMatch(c -> c.startsWith("Digest realm=\"" + DOMAIN + "\""))
        .anyMatch(c -> c.contains("algorithm=MD5"));
    assertThat(device.hearsNothing(200)).isTrue();
  }

  @Test
  void aWrongPasswordGets403() throws Exception {
    Phone.Call call = caller.dial(TARGET, "not-the-password");
    assertThat(header(caller.nextResponse(403), "CSeq")).isEqualTo(call.cseq + " INVITE");
    assertThat(device.hearsNothing(200)).isTrue();
  }

  @Test
  void anAccountThatWritesAnotherInFromGets403() throws Exception {
    // the credentials of desk301, the name of caller in From
    caller.dialAs(TARGET, "desk301", password("desk301"));
    assertThat(caller.nextResponse(403)).contains("From is not your account");
    assertThat(device.hearsNothing(200)).isTrue();
  }

  @Test
  void aTargetOfAnotherDomainIsForbidden() throws Exception {
    caller.dial("sip:300@other.example.org", password("caller"));
    assertThat(caller.nextResponse(403)).contains("only users of " + DOMAIN);
  }

  @Test
  void anExtensionWithNoRegisteredDeviceAndAnUnknownOneBothGet480() throws Exception {
    caller.dial("sip:301@" + DOMAIN, password("caller"));
    caller.nextResponse(480);
    caller.dial("sip:nobody@" + DOMAIN, password("caller"));
    caller.nextResponse(480);
    assertThat(proxy.outcome("unavailable")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aRequestInADialogTheProxyDidNotSetUpGets404() throws Exception {
    String invite = caller.call(TARGET).invite("");
    String bye =
        invite
            .replace("INVITE " + TARGET, "BYE " + device.contact())
            .replace("To: <" + TARGET + ">", "To: <" + TARGET + ">;tag=elsewhere")
            .replace(" INVITE\r\n", " BYE\r\n");
    assertThat(caller.exchange(bye))
        .startsWith("SIP/2.0 404 ")
        .contains("not a dialog of this proxy");
    assertThat(device.hearsNothing(200)).as("the proxy is no open relay").isTrue();
  }
}
