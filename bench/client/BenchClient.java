import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's own client, run by bench/run with the source launcher and the Palisade jar on
 * the class path (for Jackson and the SQLite driver):
 *
 * <pre>
 * java -cp target/palisade.jar bench/client/BenchClient.java stream --url … --key … --model … --streams 1000 --seconds 40 --pid 1234
 * java -cp target/palisade.jar bench/client/BenchClient.java audit --db /tmp/…/palisade.db
 * java -cp target/palisade.jar bench/client/BenchClient.java report --raw raw.jsonl --json results.json --markdown results.md
 * </pre>
 *
 * Streams are read over plain blocking sockets on virtual threads (one per stream) rather than
 * java.net.http, so that the client's own cost stays small and the same for direct and gateway
 * runs; every stream is bounded by the run's deadline.
 */
public final class BenchClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        switch (args.length == 0 ? "" : args[0]) {
            case "stream" -> System.out.println(StreamLoad.run(options));
            case "audit" -> System.out.println(auditCounts(Path.of(options.get("db"))));
            case "report" -> Report.write(options);
            default -> {
                System.err.println("usage: BenchClient stream|audit|report --option value …");
                System.exit(2);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    /** Rows of the audit chain by kind, and allowed requests whose "started" row has no "completed" row. */
    static ObjectNode auditCounts(Path db) throws Exception {
        ObjectNode counts = JSON.createObjectNode();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT kind, COUNT(*) FROM audit_events GROUP BY kind")) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM audit_events s WHERE s.kind = 'started' AND NOT EXISTS "
                    + "(SELECT 1 FROM audit_events c WHERE c.kind = 'completed' AND c.request_id = s.request_id)")) {
                rows.next();
                counts.put("started_without_completed", rows.getLong(1));
            }
        }
        return counts;
    }

    /** Resident memory and CPU time of a process, from /proc. */
    record ProcessSample(long rssKb, long hwmKb, long cpuTicks) {
        static ProcessSample of(long pid) {
            if (pid <= 0) {
                return new ProcessSample(0, 0, 0);
            }
            try {
                long rss = 0;
                long hwm = 0;
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("\\D", ""));
                    } else if (line.startsWith("VmHWM:")) {
                        hwm = Long.parseLong(line.replaceAll("\\D", ""));
                    }
                }
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // After the command: field 14 (utime) and 15 (stime) of proc(5) are indexes 11 and 12 here.
                return new ProcessSample(rss, hwm, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            } catch (IOException | RuntimeException e) {
                return new ProcessSample(0, 0, 0);
            }
        }
    }

    /**
     * Holds {@code streams} streaming chat completions open for {@code seconds}: each of the
     * virtual threads opens a stream, reads it to {@code [DONE]}, and opens the next one until the
     * deadline. Time to first token is measured from just before the request is written to the
     * first event carrying content; tokens per second from the first to the last content event.
     */
    static final class StreamLoad {
        static ObjectNode run(Map<String, String> options) throws Exception {
            URI url = URI.create(options.get("url"));
            String key = options.get("key");
            String model = options.get("model");
            int streams = Integer.parseInt(options.getOrDefault("streams", "1000"));
            long seconds = Long.parseLong(options.getOrDefault("seconds", "30"));
            long stallNanos = (long) (Double.parseDouble(options.getOrDefault("stall-seconds", "5")) * 1e9);
            long rampMillis = Long.parseLong(options.getOrDefault("ramp-ms", "2000"));
            long pid = Long.parseLong(options.getOrDefault("pid", "0"));
            byte[] request = request(url, key, model);

            ConcurrentLinkedQueue<long[]> finished = new ConcurrentLinkedQueue<>();
            AtomicLong failures = new AtomicLong();
            AtomicLong stalls = new AtomicLong();
            AtomicLong open = new AtomicLong();
            AtomicLong peakOpen = new AtomicLong();
            List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            ProcessSample before = ProcessSample.of(pid);
            long peakRss = before.rssKb();
            CountDownLatch done = new CountDownLatch(streams);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < streams; i++) {
                    long delay = rampMillis * i / streams;
                    threads.submit(() -> {
                        try {
                            Thread.sleep(delay);
                            while (System.nanoTime() < deadline) {
                                long now = open.incrementAndGet();
                                peakOpen.accumulateAndGet(now, Math::max);
                                try {
                                    long[] result = oneStream(url, request, deadline + 30_000_000_000L, stallNanos);
                                    if (result[3] > 0) {
                                        stalls.incrementAndGet();
                                    }
                                    finished.add(result);
                                } catch (IOException | RuntimeException e) {
                                    failures.incrementAndGet();
                                    if (errors.size() < 5) {
                                        errors.add(e.toString());
                                    }
                                } finally {
                                    open.decrementAndGet();
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    });
                }
                // Sample the target's memory while the streams are open.
                while (!done.await(250, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    peakRss = Math.max(peakRss, ProcessSample.of(pid).rssKb());
                }
            }
            ProcessSample after = ProcessSample.of(pid);
            double elapsed = (System.nanoTime() - start) / 1e9;

            long[] ttft = finished.stream().mapToLong(r -> r[0]).sorted().toArray();
            double[] rates = finished.stream().filter(r -> r[2] > 1 && r[1] > 0).mapToDouble(r -> (r[2] - 1) / (r[1] / 1e9)).sorted().toArray();
            long tokens = finished.stream().mapToLong(r -> r[2]).sum();
            ObjectNode out = JSON.createObjectNode();
            out.put("streams_concurrent", streams);
            out.put("peak_open", peakOpen.get());
            out.put("streams_completed", finished.size());
            out.put("streams_failed", failures.get());
            out.put("streams_stalled", stalls.get());
            out.put("seconds", elapsed);
            out.put("tokens", tokens);
            out.put("ttft_p50_ms", percentile(ttft, 50) / 1e6);
            out.put("ttft_p90_ms", percentile(ttft, 90) / 1e6);
            out.put("ttft_p99_ms", percentile(ttft, 99) / 1e6);
            out.put("ttft_max_ms", ttft.length == 0 ? 0 : ttft[ttft.length - 1] / 1e6);
            out.put("tokens_per_second_per_stream_p50", rates.length == 0 ? 0 : rates[rates.length / 2]);
            out.put("tokens_per_second_per_stream_min", rates.length == 0 ? 0 : rates[0]);
            out.put("tokens_per_second_total", tokens / elapsed);
            out.put("rss_peak_mb", peakRss / 1024.0);
            out.put("rss_hwm_mb", after.hwmKb() / 1024.0);
            out.put("cpu_ms_per_stream", finished.isEmpty() ? 0 : (after.cpuTicks() - before.cpuTicks()) * 10.0 / finished.size());
            ArrayNode errorList = out.putArray("errors");
            errors.forEach(errorList::add);
            return out;
        }

        private static byte[] request(URI url, String key, String model) {
            String body = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":24,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story about a lighthouse\"}]}";
            String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nConnection: close\r\n"
                    + (key == null || key.isBlank() ? "" : "Authorization: Bearer " + key + "\r\n")
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
            return (head + body).getBytes(StandardCharsets.UTF_8);
        }

        /**
         * One stream: {ttft nanos, first-to-last content nanos, content events, 1 if stalled}.
         * The body is chunked; chunk-size lines are skipped because only lines starting with
         * "data:" are looked at, and the simulator and the gateway write one event per chunk.
         */
        private static long[] oneStream(URI url, byte[] request, long hardDeadline, long stallNanos) throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
                socket.setSoTimeout((int) Math.max(1_000, (hardDeadline - System.nanoTime()) / 1_000_000));
                long sent = System.nanoTime();
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                String status = reader.readLine();
                if (status == null || !status.startsWith("HTTP/1.1 200")) {
                    throw new IOException("status: " + status);
                }
                long first = -1;
                long last = -1;
                long events = 0;
                long previous = sent;
                boolean stalled = false;
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    long now = System.nanoTime();
                    if (now - previous > stallNanos) {
                        stalled = true;
                    }
                    previous = now;
                    if (line.startsWith("data: [DONE]")) {
                        return new long[] {first < 0 ? 0 : first - sent, last - first, events, stalled ? 1 : 0};
                    }
                    if (line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                        if (first < 0) {
                            first = now;
                        }
                        last = now;
                        events++;
                    }
                }
                throw new IOException("stream ended without [DONE] after " + events + " events");
            }
        }
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * Turns the raw measurements (one JSON object a line, written by bench/run) into the medians
     * and spreads over repetitions: a JSON document and a markdown table.
     */
    static final class Report {
        static void write(Map<String, String> options) throws Exception {
            List<JsonNode> raw = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of(options.get("raw")))) {
                if (!line.isBlank()) {
                    raw.add(JSON.readTree(line));
                }
            }
            JsonNode machine = JSON.readTree(Files.readString(Path.of(options.get("machine"))));
            ObjectNode result = JSON.createObjectNode();
            result.set("machine", machine);
            StringBuilder md = new StringBuilder();
            String where = machine.path("cpus").asText() + " cores, " + machine.path("memory_gb").asText() + " GB, "
                    + machine.path("jdk").asText() + "; load generator, simulator and gateway share the cores";
            md.append("Machine: ").append(where).append(". Runs: ").append(machine.path("runs").asText())
                    .append("; values are medians over runs, [min–max] in brackets.\n\n");

            // Non-streaming: group by (target, concurrency).
            Map<String, List<JsonNode>> latency = new LinkedHashMap<>();
            for (JsonNode row : raw) {
                if (row.path("type").asText().equals("latency")) {
                    latency.computeIfAbsent(row.path("target").asText() + "|" + row.path("concurrency").asInt(), k -> new ArrayList<>()).add(row);
                }
            }
            ArrayNode latencyOut = result.putArray("non_streaming");
            md.append("### Non-streaming latency (wrk, closed loop)\n\n");
            md.append("| concurrency | target | p50 ms | p90 ms | p99 ms | p99.9 ms | req/s | CPU ms/req | RSS MB (peak) | JIT CPU ms | failed |\n");
            md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            List<Integer> concurrencies = latency.keySet().stream().map(k -> Integer.parseInt(k.split("\\|")[1])).distinct().sorted().toList();
            for (int c : concurrencies) {
                for (String target : List.of("direct", "palisade")) {
                    List<JsonNode> rows = latency.getOrDefault(target + "|" + c, List.of());
                    if (rows.isEmpty()) {
                        continue;
                    }
                    ObjectNode agg = latencyOut.addObject();
                    agg.put("target", target);
                    agg.put("concurrency", c);
                    md.append("| ").append(c).append(" | ").append(target);
                    for (String field : List.of("p50_ms", "p90_ms", "p99_ms", "p999_ms", "rps", "cpu_ms_per_request", "rss_peak_mb", "jit_cpu_ms")) {
                        Spread s = Spread.of(rows, field);
                        agg.set(field, s.json());
                        md.append(" | ").append(s.text(field.equals("rps") || field.startsWith("rss") || field.startsWith("jit") ? 0 : 2));
                    }
                    long failed = rows.stream().mapToLong(r -> r.path("failed").asLong()).sum();
                    agg.put("failed_total", failed);
                    md.append(" | ").append(failed).append(" |\n");
                }
            }
            md.append("\n### Gateway overhead (Palisade minus direct, medians)\n\n");
            md.append("| concurrency | added p50 ms | added p90 ms | added p99 ms | added p99.9 ms | throughput ratio |\n|---:|---:|---:|---:|---:|---:|\n");
            ArrayNode overheadOut = result.putArray("overhead");
            for (int c : concurrencies) {
                List<JsonNode> direct = latency.getOrDefault("direct|" + c, List.of());
                List<JsonNode> gateway = latency.getOrDefault("palisade|" + c, List.of());
                if (direct.isEmpty() || gateway.isEmpty()) {
                    continue;
                }
                ObjectNode o = overheadOut.addObject();
                o.put("concurrency", c);
                md.append("| ").append(c);
                for (String field : List.of("p50_ms", "p90_ms", "p99_ms", "p999_ms")) {
                    double added = Spread.of(gateway, field).median - Spread.of(direct, field).median;
                    o.put("added_" + field, added);
                    md.append(" | ").append(String.format(Locale.ROOT, "%.2f", added));
                }
                double ratio = Spread.of(gateway, "rps").median / Spread.of(direct, "rps").median;
                o.put("throughput_ratio", ratio);
                md.append(" | ").append(String.format(Locale.ROOT, "%.0f%%", ratio * 100)).append(" |\n");
            }

            // The audit under each Palisade point: group commits, their latency, records written.
            md.append("\n### Audit under load (Palisade points)\n\n");
            md.append("| concurrency | records/s | records per commit | commit mean ms | commit p50 ≤ ms | commit p99 ≤ ms |\n|---:|---:|---:|---:|---:|---:|\n");
            ArrayNode auditOut = result.putArray("audit_under_load");
            for (int c : concurrencies) {
                List<JsonNode> rows = latency.getOrDefault("palisade|" + c, List.of());
                if (rows.isEmpty() || !rows.get(0).has("audit_commits")) {
                    continue;
                }
                ObjectNode agg = auditOut.addObject();
                agg.put("concurrency", c);
                md.append("| ").append(c);
                for (String field : List.of("audit_records_per_second", "audit_records_per_commit", "audit_commit_mean_ms")) {
                    Spread spread = Spread.of(rows, field);
                    agg.set(field, spread.json());
                    md.append(" | ").append(spread.text(field.endsWith("_ms") || field.endsWith("commit") ? 2 : 0));
                }
                // Histogram bucket bounds: the highest bound over the repetitions, so "at most".
                for (String field : List.of("audit_commit_p50_le_ms", "audit_commit_p99_le_ms")) {
                    String worst = rows.stream().map(r -> r.path(field).asText()).max(java.util.Comparator.comparingDouble(
                            v -> v.equals("inf") ? Double.MAX_VALUE : Double.parseDouble(v))).orElse("");
                    agg.put(field, worst);
                    md.append(" | ").append(worst);
                }
                md.append(" |\n");
            }

            // Paced points: a fixed offered rate over a fixed number of connections, below saturation.
            Map<String, List<JsonNode>> paced = new LinkedHashMap<>();
            for (JsonNode row : raw) {
                if (row.path("type").asText().equals("paced")) {
                    paced.computeIfAbsent(row.path("offered_rps").asInt() + "|" + row.path("target").asText(), k -> new ArrayList<>()).add(row);
                }
            }
            if (!paced.isEmpty()) {
                ArrayNode pacedOut = result.putArray("paced");
                md.append("\n### Paced latency (fixed offered rate, exponential gaps, ").append(machine.path("paced_connections").asText())
                        .append(" connections)\n\n");
                md.append("| offered req/s | target | p50 ms | p90 ms | p99 ms | p99.9 ms | req/s | CPU ms/req | added p50 ms | added p99 ms | failed |\n");
                md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
                List<Integer> rates = paced.keySet().stream().map(k -> Integer.parseInt(k.split("\\|")[0])).distinct().sorted().toList();
                for (int rate : rates) {
                    List<JsonNode> direct = paced.getOrDefault(rate + "|direct", List.of());
                    for (String target : List.of("direct", "palisade")) {
                        List<JsonNode> rows = paced.getOrDefault(rate + "|" + target, List.of());
                        if (rows.isEmpty()) {
                            continue;
                        }
                        ObjectNode agg = pacedOut.addObject();
                        agg.put("offered_rps", rate);
                        agg.put("target", target);
                        md.append("| ").append(rate).append(" | ").append(target);
                        for (String field : List.of("p50_ms", "p90_ms", "p99_ms", "p999_ms", "rps", "cpu_ms_per_request")) {
                            Spread spread = Spread.of(rows, field);
                            agg.set(field, spread.json());
                            md.append(" | ").append(spread.text(field.equals("rps") ? 0 : 2));
                        }
                        for (String field : List.of("p50_ms", "p99_ms")) {
                            if (target.equals("palisade") && !direct.isEmpty()) {
                                double added = Spread.of(rows, field).median - Spread.of(direct, field).median;
                                agg.put("added_" + field, added);
                                md.append(" | ").append(String.format(Locale.ROOT, "%.2f", added));
                            } else {
                                md.append(" | ");
                            }
                        }
                        long failed = rows.stream().mapToLong(r -> r.path("failed").asLong()).sum();
                        agg.put("failed_total", failed);
                        md.append(" | ").append(failed).append(" |\n");
                    }
                }
            }

            // Saturation: per run, the best throughput over the concurrencies, for each target.
            Map<String, List<Double>> best = new LinkedHashMap<>();
            for (JsonNode row : raw) {
                if (row.path("type").asText().equals("latency")) {
                    String k = row.path("target").asText() + "|" + row.path("run").asInt();
                    best.merge(k, List.of(row.path("rps").asDouble()), (a, b) -> List.of(Math.max(a.get(0), b.get(0))));
                }
            }
            double[] directBest = best.entrySet().stream().filter(e -> e.getKey().startsWith("direct|")).mapToDouble(e -> e.getValue().get(0)).sorted().toArray();
            double[] gatewayBest = best.entrySet().stream().filter(e -> e.getKey().startsWith("palisade|")).mapToDouble(e -> e.getValue().get(0)).sorted().toArray();
            ObjectNode saturation = result.putObject("saturation");
            if (directBest.length > 0 && gatewayBest.length > 0) {
                saturation.put("direct_rps_median", median(directBest));
                saturation.put("palisade_rps_median", median(gatewayBest));
                saturation.put("ratio", median(gatewayBest) / median(directBest));
                md.append(String.format(Locale.ROOT, "%n### Saturation throughput (best concurrency per run)%n%n| target | req/s median | [min–max] |%n|---|---:|---:|%n"
                        + "| direct | %.0f | %.0f–%.0f |%n| palisade | %.0f | %.0f–%.0f |%n%nPalisade / direct: **%.0f%%**%n",
                        median(directBest), directBest[0], directBest[directBest.length - 1], median(gatewayBest), gatewayBest[0],
                        gatewayBest[gatewayBest.length - 1], 100 * median(gatewayBest) / median(directBest)));
            }

            // Streaming.
            Map<String, List<JsonNode>> streaming = new LinkedHashMap<>();
            for (JsonNode row : raw) {
                if (row.path("type").asText().equals("stream")) {
                    streaming.computeIfAbsent(row.path("target").asText(), k -> new ArrayList<>()).add(row);
                }
            }
            if (!streaming.isEmpty()) {
                ArrayNode streamOut = result.putArray("streaming");
                md.append("\n### Streaming (concurrent long streams held open)\n\n");
                md.append("| target | streams | TTFT p50 ms | TTFT p99 ms | tok/s per stream p50 | tok/s total | RSS peak MB | CPU ms/stream | completed | failed | stalled |\n");
                md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
                for (var entry : streaming.entrySet()) {
                    List<JsonNode> rows = entry.getValue();
                    ObjectNode agg = streamOut.addObject();
                    agg.put("target", entry.getKey());
                    md.append("| ").append(entry.getKey()).append(" | ").append(rows.get(0).path("streams_concurrent").asInt());
                    for (String field : List.of("ttft_p50_ms", "ttft_p99_ms", "tokens_per_second_per_stream_p50", "tokens_per_second_total",
                            "rss_peak_mb", "cpu_ms_per_stream", "streams_completed")) {
                        Spread s = Spread.of(rows, field);
                        agg.set(field, s.json());
                        md.append(" | ").append(s.text(field.startsWith("ttft") || field.startsWith("cpu") || field.startsWith("tokens_per_second_per") ? 2 : 0));
                    }
                    long failed = rows.stream().mapToLong(r -> r.path("streams_failed").asLong()).sum();
                    long stalled = rows.stream().mapToLong(r -> r.path("streams_stalled").asLong()).sum();
                    agg.put("failed_total", failed);
                    agg.put("stalled_total", stalled);
                    md.append(" | ").append(failed).append(" | ").append(stalled).append(" |\n");
                }
            }

            // Memory at idle, audit.
            ArrayNode other = result.putArray("checks");
            md.append("\n### Memory, audit and correctness\n\n");
            for (JsonNode row : raw) {
                String type = row.path("type").asText();
                if (type.equals("idle") || type.equals("audit")) {
                    other.add(row);
                    md.append("- ").append(type).append(": ").append(row.toString()).append('\n');
                }
            }
            result.set("raw", JSON.valueToTree(raw));
            Files.writeString(Path.of(options.get("json")), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
            Files.writeString(Path.of(options.get("markdown")), md.toString());
            System.out.print(md);
        }

        private static double median(double[] sorted) {
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        /** Median and range of one field over repetitions. */
        record Spread(double median, double min, double max) {
            static Spread of(List<JsonNode> rows, String field) {
                double[] values = rows.stream().mapToDouble(r -> r.path(field).asDouble()).sorted().toArray();
                return new Spread(Report.median(values), values[0], values[values.length - 1]);
            }

            ObjectNode json() {
                ObjectNode node = JSON.createObjectNode();
                node.put("median", median);
                node.put("min", min);
                node.put("max", max);
                return node;
            }

            String text(int decimals) {
                String f = "%." + decimals + "f";
                if (min == max) {
                    return String.format(Locale.ROOT, f, median);
                }
                return String.format(Locale.ROOT, f + " [" + f + "–" + f + "]", median, min, max);
            }
        }
    }

    private BenchClient() {}
}
