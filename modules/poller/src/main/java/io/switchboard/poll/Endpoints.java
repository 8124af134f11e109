package io.switchboard.poll;

import java.util.List;

/** The endpoint kinds a {@code PollJob} can name, and how many queues one vendor request may carry. */
public final class Endpoints {

    /** Genesys {@code POST /api/v2/analytics/queues/observations/query}: point in time. */
    public static final String GENESYS_QUEUE_OBSERVATIONS = "genesys.queue-observations";
    /** Genesys {@code POST /api/v2/analytics/conversations/aggregates/query}: intervals. */
    public static final String GENESYS_CONVERSATION_AGGREGATES = "genesys.conversation-aggregates";
    /** CXone {@code GET …/skills/activity}: point in time. */
    public static final String CXONE_SKILLS_ACTIVITY = "cxone.skills-activity";
    /** CXone {@code GET …/skills/summary}: intervals. */
    public static final String CXONE_SKILLS_SUMMARY = "cxone.skills-summary";
    /** Cognos report data service rows ({@code DataSetJSON}), column mapping from the job's params. */
    public static final String COGNOS_REPORT_DATA = "cognos.report-data";
    /** Any JSON API behind an OAuth2 / Auth0 token, mapped with JSON Pointers from the job's params. */
    public static final String GENERIC_JSON = "generic.json";

    /** Every kind, for validation messages. */
    public static final List<String> ALL = List.of(GENESYS_QUEUE_OBSERVATIONS, GENESYS_CONVERSATION_AGGREGATES,
            CXONE_SKILLS_ACTIVITY, CXONE_SKILLS_SUMMARY, COGNOS_REPORT_DATA, GENERIC_JSON);

    private Endpoints() {
    }

    /** Whether the endpoint reports intervals (re-fetched and replaced downstream) rather than observations. */
    public static boolean isInterval(String endpoint) {
        return GENESYS_CONVERSATION_AGGREGATES.equals(endpoint) || CXONE_SKILLS_SUMMARY.equals(endpoint);
    }
}
