package dev.evertone.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.evertone.http.ApiError;
import dev.evertone.http.ApiJson;
import dev.evertone.http.CallView;
import dev.evertone.http.RecordingView;
import dev.evertone.provisioning.CredentialVersion;
import dev.evertone.provisioning.DeviceCreated;
import dev.evertone.provisioning.DeviceInfo;
import dev.evertone.provisioning.DeviceUpdate;
import dev.evertone.provisioning.DomainInfo;
import dev.evertone.provisioning.ForwardInfo;
import dev.evertone.provisioning.ImportOptions;
import dev.evertone.provisioning.NewDevice;
import dev.evertone.provisioning.NewLine;
import dev.evertone.provisioning.PlanResult;
import dev.evertone.provisioning.Provisioning;
import dev.evertone.provisioning.RestoreRequest;
import dev.evertone.provisioning.SecretChanged;
import dev.evertone.provisioning.TrunkInfo;
import dev.evertone.provisioning.TrunkSpec;
import dev.evertone.provisioning.UserInfo;
import dev.evertone.provisioning.template.Format;
import dev.evertone.registrar.ContactPing;
import dev.evertone.registrar.Registrations;
import dev.evertone.store.audit.AuditEvent;
import dev.evertone.store.routing.DialPlan;
import dev.evertone.store.routing.PhoneNumber;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The provisioning operations on a running server, through its admin API: what the command line
 * uses with {@code --server}. A failure the server reports comes back as the exception a local call
 * throws, so that every command behaves the same either way.
 */
final class RemoteProvisioning implements Provisioning {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  RemoteProvisioning(String server, String token) {
    String s = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    if (!s.startsWith("http://") && !s.startsWith("https://")) {
      throw new IllegalArgumentException(
          "--server must be an http:// or https:// URL, e.g. http://127.0.0.1:8080");
    }
    this.base = s + "/api/v1";
    this.token = token;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(Map<String, @Nullable Object> params) {
    List<String> parts = new ArrayList<>();
    params.forEach(
        (k, v) -> {
          if (v != null) {
            parts.add(k + "=" + enc(String.valueOf(v)));
          }
        });
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }

  /** Query parameters from name, value pairs; a null value is left out. */
  private static Map<String, @Nullable Object> params(@Nullable Object... pairs) {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(String.valueOf(pairs[i]), pairs[i + 1]);
    }
    return m;
  }

  private HttpResponse<InputStream> send(
      String method, String path, HttpRequest.BodyPublisher body, @Nullable String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .method(method, body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<InputStream> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException e) {
      throw new IllegalStateException(
          "cannot reach the server at "
              + base
              + " (is 'evertone serve' running, and is http.host/http.port"
              + " what --server says?)");
    } catch (IOException e) {
      throw new IllegalStateException(lost(method, path, e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    if (r.statusCode() >= 400) {
      ApiError error;
      try (InputStream in = r.body()) {
        error = ApiJson.MAPPER.readValue(in, ApiError.class);
      } catch (IOException e) {
        throw new IllegalStateException(
            "the server answered "
                + r.statusCode()
                + " to "
                + method
                + " "
                + path
                + " without an error body");
      }
      if (error.status() == 401) {
        throw new IllegalStateException(
            "the server refused the token: "
                + error.message()
                + " (give the token in $EVERTONE_TOKEN or --token-file)");
      }
      throw error.toException();
    }
    return r;
  }

  /**
   * What to tell the user when the connection broke before an answer: a change may have been made
   * (the server may have committed it and then died), so they must look before trying again.
   */
  private String lost(String method, String path, IOException e) {
    String what =
        "the server at "
            + base
            + " closed the connection before answering "
            + method
            + " "
            + path
            + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    return method.equals("GET")
        ? what + "; try again"
        : what
            + "; the change may have been applied: check with 'evertone audit' or by listing"
            + " what you changed before trying again";
  }

  <T> T call(String method, String path, @Nullable Object body, TypeReference<T> type) {
    return read(
        send(method, path, json(body), body == null ? null : "application/json"),
        in -> ApiJson.MAPPER.readValue(in, type));
  }

  <T> T call(String method, String path, @Nullable Object body, Class<T> type) {
    return read(
        send(method, path, json(body), body == null ? null : "application/json"),
        in -> ApiJson.MAPPER.readValue(in, type));
  }

  private void callNoContent(String method, String path) {
    try (InputStream in = send(method, path, HttpRequest.BodyPublishers.noBody(), null).body()) {
      in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpRequest.BodyPublisher json(@Nullable Object body) {
    if (body == null) {
      return HttpRequest.BodyPublishers.noBody();
    }
    try {
      return HttpRequest.BodyPublishers.ofByteArray(ApiJson.MAPPER.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads an answer's body as one type. */
  private interface Reader<T> {
    T read(InputStream in) throws IOException;
  }

  private static <T> T read(HttpResponse<InputStream> r, Reader<T> reader) {
    try (InputStream in = r.body()) {
      return reader.read(in);
    } catch (IOException e) {
      throw new IllegalStateException(
          "the server's answer could not be read: " + e.getMessage(), e);
    }
  }

  private static String d(String domain) {
    return "/domains/" + enc(domain.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<DomainInfo> domains() {
    return call("GET", "/domains", null, new TypeReference<List<DomainInfo>>() {});
  }

  @Override
  public DomainInfo addDomain(String name) {
    return call("POST", "/domains", Map.of("name", name), DomainInfo.class);
  }

  @Override
  public int removeDomain(String name, boolean withDevices) {
    int devices = withDevices ? devicesOf(name) : 0;
    callNoContent("DELETE", d(name) + query(params("with_devices", withDevices)));
    return devices;
  }

  private int devicesOf(String domain) {
    return domains().stream()
        .filter(x -> x.name().equalsIgnoreCase(domain))
        .mapToInt(DomainInfo::devices)
        .sum();
  }

  @Override
  public List<UserInfo> users(String domain) {
    return call("GET", d(domain) + "/users", null, new TypeReference<List<UserInfo>>() {});
  }

  @Override
  public UserInfo addUser(String domain, String extension, @Nullable String displayName) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("extension", extension);
    body.put("display_name", displayName);
    return call("POST", d(domain) + "/users", body, UserInfo.class);
  }

  @Override
  public UserInfo updateUser(String domain, String extension, @Nullable String displayName) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("display_name", displayName);
    return call("PATCH", d(domain) + "/users/" + enc(extension), body, UserInfo.class);
  }

  @Override
  public void removeUser(String domain, String extension) {
    callNoContent("DELETE", d(domain) + "/users/" + enc(extension));
  }

  @Override
  public List<DeviceInfo> devices(String domain, @Nullable String mac, @Nullable String authUser) {
    return call(
        "GET",
        d(domain) + "/devices" + query(params("mac", mac, "auth_user", authUser)),
        null,
        new TypeReference<List<DeviceInfo>>() {});
  }

  @Override
  public DeviceInfo device(String domain, long id) {
    return call("GET", d(domain) + "/devices/" + id, null, DeviceInfo.class);
  }

  @Override
  public DeviceCreated addDevice(NewDevice device) {
    // the path names the domain, the body leaves it out
    Map<String, @Nullable Object> body = new LinkedHashMap<>();
    body.put("domain", null);
    body.put("extension", device.extension());
    body.put("display_name", device.displayName());
    body.put("mac", device.mac());
    body.put("model", device.model());
    body.put("description", device.description());
    body.put("lines", device.lines());
    return call("POST", d(device.domain()) + "/devices", body, DeviceCreated.class);
  }

  @Override
  public DeviceInfo updateDevice(String domain, long id, DeviceUpdate update) {
    return call("PATCH", d(domain) + "/devices/" + id, update, DeviceInfo.class);
  }

  @Override
  public void removeDevice(String domain, long id) {
    callNoContent("DELETE", d(domain) + "/devices/" + id);
  }

  @Override
  public DeviceCreated addLine(String domain, long deviceId, NewLine line) {
    return call("POST", d(domain) + "/devices/" + deviceId + "/lines", line, DeviceCreated.class);
  }

  @Override
  public void removeLine(String domain, String authUser) {
    callNoContent("DELETE", d(domain) + "/lines/" + enc(authUser));
  }

  @Override
  public SecretChanged setSecret(String domain, String authUser, @Nullable String secret) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("secret", secret);
    return call(
        "PUT", d(domain) + "/lines/" + enc(authUser) + "/secret", body, SecretChanged.class);
  }

  @Override
  public List<CredentialVersion> history(String domain, String authUser) {
    return call(
        "GET",
        d(domain) + "/lines/" + enc(authUser) + "/history",
        null,
        new TypeReference<List<CredentialVersion>>() {});
  }

  /**
   * The contacts registered now (not part of {@link dev.evertone.provisioning.Provisioning}: only a
   * running server has them).
   */
  List<Registrations.Contact> registrations(String domain, @Nullable String authUser, int limit) {
    return call(
        "GET",
        d(domain) + "/registrations" + query(params("auth_user", authUser, "limit", limit)),
        null,
        new TypeReference<List<Registrations.Contact>>() {});
  }

  /** The call records, newest first (not part of provisioning: the API's {@code /calls}). */
  List<CallView> calls(
      @Nullable String domain, @Nullable Instant since, @Nullable Instant until, int limit) {
    return call(
        "GET",
        "/calls" + query(params("domain", domain, "since", since, "until", until, "limit", limit)),
        null,
        new TypeReference<List<CallView>>() {});
  }

  /** The recordings, newest first (the API's {@code /recordings}). */
  List<RecordingView> recordings(@Nullable String domain, @Nullable String callId, int limit) {
    return call(
        "GET",
        "/recordings" + query(params("domain", domain, "call_id", callId, "limit", limit)),
        null,
        new TypeReference<List<RecordingView>>() {});
  }

  /** Recording {@code id}, a WAV file, copied to {@code out}. */
  void downloadRecording(String id, OutputStream out) {
    try (InputStream in =
        send("GET", "/recordings/" + enc(id), HttpRequest.BodyPublishers.noBody(), null).body()) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void deleteRecording(String id) {
    callNoContent("DELETE", "/recordings/" + enc(id));
  }

  /** Starts ({@code start}) or stops recording call {@code callId}. */
  RecordingView record(String callId, boolean start) {
    return call(
        start ? "POST" : "DELETE",
        "/calls/" + enc(callId) + "/recording",
        null,
        RecordingView.class);
  }

  /** Removes the bindings of a line (of one contact, or all); returns the contacts removed. */
  List<String> removeRegistrations(String domain, String authUser, @Nullable String contact) {
    Map<String, List<String>> answer =
        call(
            "DELETE",
            d(domain)
                + "/lines/"
                + enc(authUser)
                + "/registrations"
                + query(params("contact", contact)),
            null,
            new TypeReference<Map<String, List<String>>>() {});
    return answer.getOrDefault("removed", List.of());
  }

  List<ContactPing.Result> ping(String domain, String authUser, long timeoutMillis) {
    return call(
        "POST",
        d(domain)
            + "/lines/"
            + enc(authUser)
            + "/ping"
            + query(params("timeout_ms", timeoutMillis)),
        null,
        new TypeReference<List<ContactPing.Result>>() {});
  }

  @Override
  public PlanResult importFile(byte[] content, ImportOptions options) {
    String path =
        "/imports"
            + query(
                params(
                    "format",
                    options.format() == null
                        ? null
                        : options.format().name().toLowerCase(Locale.ROOT),
                    "file_name",
                    options.fileName(),
                    "dry_run",
                    options.dryRun(),
                    "confirm_large",
                    options.confirmLarge(),
                    "create_domains",
                    options.createDomains()));
    return read(
        send(
            "POST",
            path,
            HttpRequest.BodyPublishers.ofByteArray(content),
            "application/octet-stream"),
        in -> ApiJson.MAPPER.readValue(in, PlanResult.class));
  }

  @Override
  public void export(Format format, @Nullable String domain, OutputStream out) {
    try (InputStream in =
        send(
                "GET",
                "/export"
                    + query(
                        params("format", format.name().toLowerCase(Locale.ROOT), "domain", domain)),
                HttpRequest.BodyPublishers.noBody(),
                null)
            .body()) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public PlanResult restore(RestoreRequest request) {
    return call("POST", "/credentials/restore", request, PlanResult.class);
  }

  @Override
  public List<AuditEvent> audit(@Nullable String batch, @Nullable Instant since, int limit) {
    return call(
        "GET",
        "/audit" + query(params("batch", batch, "since", since, "limit", limit)),
        null,
        new TypeReference<List<AuditEvent>>() {});
  }

  @Override
  public List<TrunkInfo> trunks(String domain) {
    return call("GET", d(domain) + "/trunks", null, new TypeReference<List<TrunkInfo>>() {});
  }

  @Override
  public TrunkInfo putTrunk(String domain, String name, TrunkSpec spec) {
    return call("PUT", d(domain) + "/trunks/" + enc(name), spec, TrunkInfo.class);
  }

  @Override
  public void removeTrunk(String domain, String name) {
    callNoContent("DELETE", d(domain) + "/trunks/" + enc(name));
  }

  @Override
  public List<PhoneNumber> numbers(String domain) {
    return call("GET", d(domain) + "/numbers", null, new TypeReference<List<PhoneNumber>>() {});
  }

  @Override
  public PhoneNumber putNumber(String domain, String number, String extension) {
    return call(
        "PUT",
        d(domain) + "/numbers/" + enc(number),
        Map.of("extension", extension),
        PhoneNumber.class);
  }

  @Override
  public void removeNumber(String domain, String number) {
    callNoContent("DELETE", d(domain) + "/numbers/" + enc(number));
  }

  @Override
  public List<ForwardInfo> forwarding(String domain, @Nullable String extension) {
    return call(
        "GET",
        extension == null
            ? d(domain) + "/forwarding"
            : d(domain) + "/users/" + enc(extension) + "/forwarding",
        null,
        new TypeReference<List<ForwardInfo>>() {});
  }

  @Override
  public ForwardInfo setForwarding(
      String domain, String extension, String kind, String target, @Nullable Integer afterSeconds) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", target);
    body.put("after_seconds", afterSeconds);
    return call(
        "PUT",
        d(domain) + "/users/" + enc(extension) + "/forwarding/" + enc(kind),
        body,
        ForwardInfo.class);
  }

  @Override
  public void removeForwarding(String domain, String extension, String kind) {
    callNoContent("DELETE", d(domain) + "/users/" + enc(extension) + "/forwarding/" + enc(kind));
  }

  @Override
  public DialPlan dialPlan(String domain) {
    return call("GET", d(domain) + "/dial-plan", null, DialPlan.class);
  }

  @Override
  public DialPlan setDialPlan(
      String domain, String countryCode, String nationalPrefix, String internationalPrefix) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("country_code", countryCode);
    body.put("national_prefix", nationalPrefix);
    body.put("international_prefix", internationalPrefix);
    return call("PUT", d(domain) + "/dial-plan", body, DialPlan.class);
  }
}
