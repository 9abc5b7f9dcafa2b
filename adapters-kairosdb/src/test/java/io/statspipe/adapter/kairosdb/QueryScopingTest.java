package io.statspipe.adapter.kairosdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statspipe.ports.out.ReadScope;
import org.junit.jupiter.api.Test;

/** How a KairosDB query and its answer are held to a read scope, on the JSON alone. */
class QueryScopingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final QueryScoping ACME = new QueryScoping(ReadScope.ofTenant("acme"));
    static final QueryScoping ADMIN = new QueryScoping(ReadScope.everyTenant());

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void theTenantIsForcedIntoEveryMetricsFilter() throws Exception {
        JsonNode scoped = ACME.request(json("{'metrics':[{'name':'a'},{'name':'b','tags':{'page':['home'],'tenant':'acme'}}]}"));
        assertThat(scoped).isEqualTo(json("{'metrics':[{'name':'a','tags':{'tenant':['acme']}},"
                + "{'name':'b','tags':{'page':['home'],'tenant':['acme']}}]}"));
    }

    @Test
    void anotherTenantInAFilterIsRefusedWith403() {
        assertThatThrownBy(() -> ACME.request(json("{'metrics':[{'name':'a','tags':{'tenant':'globex'}}]}")))
                .isInstanceOfSatisfying(QueryScoping.Refused.class, e -> assertThat(e.status()).isEqualTo(403))
                .hasMessage("tenant acme may not read series of tenant globex");
    }

    @Test
    void anAdministratorsFilterIsLeftAsItIs() throws Exception {
        String query = "{'metrics':[{'name':'a','tags':{'tenant':['globex']}}]}";
        assertThat(ADMIN.request(json(query))).isEqualTo(json(query));
    }

    @Test
    void internalTagsAreDroppedFromGroupBys() throws Exception {
        JsonNode scoped = ADMIN.request(json("{'metrics':[{'name':'a','group_by':[{'name':'tag','tags':['_src','page']},"
                + "{'name':'tag','tags':['_src']},{'name':'time','range_size':{'value':1,'unit':'hours'},'group_count':2}]}]}"));
        assertThat(scoped.path("metrics").get(0).path("group_by")).isEqualTo(json("[{'name':'tag','tags':['page']},"
                + "{'name':'time','range_size':{'value':1,'unit':'hours'},'group_count':2}]"));
    }

    @Test
    void fieldsOutsideAReadAreRefusedWith400NamingThem() {
        assertThatThrownBy(() -> ACME.request(json("{'metrics':[{'name':'a','plugins':[]}]}")))
                .hasMessageContaining("metric 'a': field 'plugins' is not accepted");
        assertThatThrownBy(() -> ACME.request(json("{'plugins':[],'metrics':[{'name':'a'}]}")))
                .hasMessageContaining("query: field 'plugins' is not accepted");
        assertThatThrownBy(() -> ACME.request(json("{'metrics':[]}")))
                .hasMessageContaining("at least one metric");
    }

    @Test
    void answersLoseInternalTagsAndAnyResultOfAnotherTenant() throws Exception {
        JsonNode answer = ACME.answer(json("{'queries':[{'results':["
                + "{'name':'a','tags':{'_src':['p0'],'tenant':['acme']},'group_by':[{'name':'tag','tags':['_src','page'],"
                + "'group':{'_src':'p0','page':'home'}}],'values':[[1,2]]},"
                + "{'name':'a','tags':{'tenant':['globex']},'values':[[1,20]]}]}]}"));
        assertThat(answer).isEqualTo(json("{'queries':[{'results':["
                + "{'name':'a','tags':{'tenant':['acme']},'group_by':[{'name':'tag','tags':['page'],"
                + "'group':{'page':'home'}}],'values':[[1,2]]}]}]}"));
    }
}
