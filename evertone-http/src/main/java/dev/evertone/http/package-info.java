/**
 * The HTTP surface, on Javalin: Prometheus metrics, health, the admin API ({@code /api/v1}) with
 * its OpenAPI document, the public status page and its feeds, and the ICE servers handed to
 * browsers. One place turns failures into JSON errors ({@link dev.evertone.http.ApiError}).
 */
package dev.evertone.http;
