package io.switchboard.poll.vendor.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.switchboard.events.poll.QueueStat;
import io.vertx.core.Future;

/**
 * {@code cognos.report-data}: the report data service ({@code GET|POST /bi/v1/disp/rds/reportData/report/{storeID}
 * ?fmt=DataSetJSON}) with the session headers the token carries ({@code IBM-BA-Authorization}, {@code X-XSRF-Token},
 * cookies). Each row of {@code dataSet.dataTable[].row[]} is one queue; the column mapping is configuration:
 * {@code column.<field>=<column name>} (see {@link FieldMapping}). Parameters: {@code reportStoreId} (required),
 * {@code method} (GET or POST, default GET), {@code dataTable} (the table id, default the first).
 */
public final class CognosReportAdapter implements EndpointAdapter {

    static final String PATH = "/bi/v1/disp/rds/reportData/report/";

    @Override
    public Future<Void> poll(PollScope scope) {
        FieldMapping mapping = mapping(scope.job().getParams());
        CallSpec spec = spec(scope.token(), scope.job().getParams());
        Set<String> only = new LinkedHashSet<>(scope.job().getQueueIds());
        return scope.call(spec).map(result -> {
            if (scope.okOrRecord(result)) {
                CallResult.Ok ok = (CallResult.Ok) result;
                try {
                    StatBase base = scope.base(ok.answer());
                    List<QueueStat> out = new ArrayList<>();
                    for (JsonNode row : rows(ok.json(), scope.param("dataTable", null))) {
                        String id = mapping.queueId(row);
                        if (id != null && (only.isEmpty() || only.contains(id))) {
                            out.add(mapping.map(row, base, null));
                        }
                    }
                    scope.addAll(out);
                } catch (RuntimeException e) {
                    scope.mappingError(spec, ok, e);
                }
            }
            return null;
        });
    }

    static FieldMapping mapping(java.util.Map<String, String> params) {
        Function<String, Function<JsonNode, JsonNode>> column = name -> row -> row.get(name);
        return FieldMapping.from(params, "column.", column, "Queue ID");
    }

    static CallSpec spec(io.switchboard.token.TokenView token, java.util.Map<String, String> params) {
        String storeId = params.get("reportStoreId");
        if (storeId == null || storeId.isBlank()) {
            throw new PollScope.ConfigurationProblem("job parameter reportStoreId is required: the storeID of the report whose"
                    + " rows are the queues (Cognos: report properties > advanced > ID)");
        }
        String method = params.getOrDefault("method", "GET").toUpperCase(java.util.Locale.ROOT);
        String url = Urls.join(Urls.apiBase(token), PATH + Urls.encode(storeId.trim())) + "?fmt=DataSetJSON";
        String label = method + " " + PATH + "{storeID}";
        return switch (method) {
            case "GET" -> CallSpec.get(url, label, "read access to report " + storeId);
            case "POST" -> CallSpec.postJson(url, "{}", label, "read access to report " + storeId);
            default -> throw new PollScope.ConfigurationProblem("job parameter method=" + method + " must be GET or POST");
        };
    }

    /** The rows of the chosen data table. */
    static List<JsonNode> rows(JsonNode json, String tableId) {
        JsonNode tables = json.path("dataSet").path("dataTable");
        if (!tables.isArray()) {
            throw new MappingException("no dataSet.dataTable list (is fmt=DataSetJSON honoured?)");
        }
        JsonNode table = null;
        for (JsonNode t : tables) {
            if (tableId == null || tableId.equals(JsonValues.asText(t.get("id")))) {
                table = t;
                break;
            }
        }
        if (table == null) {
            if (tableId != null) {
                throw new MappingException("no data table with id " + tableId);
            }
            return List.of();
        }
        JsonNode rows = table.path("row");
        if (rows.isMissingNode() || rows.isNull()) {
            return List.of();
        }
        if (!rows.isArray()) {
            throw new MappingException("dataTable.row is not a list");
        }
        List<JsonNode> out = new ArrayList<>();
        rows.forEach(out::add);
        return out;
    }
}
