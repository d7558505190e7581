package dev.evertone.server.http;

import java.util.ArrayList;
import java.util.List;

/** The admin API's routes as the server serves them, for tests in other packages. */
public final class HttpRoutes {
  private HttpRoutes() {}

  /** "METHOD /path" of every admin API route, the OpenAPI document included. */
  public static List<String> served() {
    List<String> out = new ArrayList<>();
    new AdminApi(null, null, null, null, null).routes().forEach(r -> out.add(r.method().name() + " " + r.path()));
    out.add("GET " + AdminApi.OPENAPI);
    return out;
  }
}
