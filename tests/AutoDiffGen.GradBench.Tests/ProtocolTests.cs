using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace AutoDiffGen.GradBench.Tests;

/// <summary>How the tool answers each kind of message, including bad ones: always one reply per message, never a crash.</summary>
public sealed class ProtocolTests
{
    [Fact]
    public void Start_is_answered_with_the_id_and_the_tool_name()
    {
        JsonNode reply = ToolSession.Single(new JsonObject { ["id"] = 0, ["kind"] = "start", ["eval"] = "gmm" });

        Assert.Equal(0, (int)reply["id"]!);
        Assert.Equal("autodiffgen", (string?)reply["tool"]);
    }

    [Theory]
    [InlineData("gmm")]
    [InlineData("lstm")]
    [InlineData("lse")]
    [InlineData("llsq")]
    [InlineData("ode")]
    [InlineData("det")]
    public void Define_succeeds_for_the_implemented_evals(string module)
    {
        JsonNode reply = ToolSession.Single(new JsonObject { ["id"] = 1, ["kind"] = "define", ["module"] = module });

        Assert.Equal("""{"id":1,"success":true}""", ToolSession.Text(reply));
    }

    [Theory]
    [InlineData("ba")]
    [InlineData("ht")]
    [InlineData("kmeans")]
    [InlineData("particle")]
    [InlineData("saddle")]
    public void Define_fails_with_a_reason_for_evals_that_need_more_than_a_gradient(string module)
    {
        JsonNode reply = ToolSession.Single(new JsonObject { ["id"] = 1, ["kind"] = "define", ["module"] = module });

        Assert.False((bool)reply["success"]!);
        Assert.Contains(module, (string?)reply["error"]);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("no-such-eval")]
    [InlineData("")]
    public void Define_fails_for_unknown_modules(string module)
    {
        JsonNode reply = ToolSession.Single(new JsonObject { ["id"] = 7, ["kind"] = "define", ["module"] = module });

        Assert.Equal(7, (int)reply["id"]!);
        Assert.False((bool)reply["success"]!);
        Assert.Contains("unknown module", (string?)reply["error"]);
    }

    [Fact]
    public void Evaluate_fails_for_an_unknown_module_or_function()
    {
        JsonNode input = Workloads.Input("lse_n2500.json");

        List<JsonNode> replies = ToolSession.Run(
            ToolSession.Evaluate(1, "no-such-eval", "primal", input),
            ToolSession.Evaluate(2, "kmeans", "objective", input),
            ToolSession.Evaluate(3, "lse", "hessian", input));

        Assert.All(replies, reply => Assert.False((bool)reply["success"]!));
        Assert.Contains("unknown module", (string?)replies[0]["error"]);
        Assert.Contains("kmeans", (string?)replies[1]["error"]);
        Assert.Contains("no function 'hessian'", (string?)replies[2]["error"]);
    }

    [Theory]
    [InlineData("this is not JSON")]
    [InlineData("{\"id\": 1, \"kind\": ")]
    [InlineData("[1, 2, 3]")]
    [InlineData("42")]
    [InlineData("{\"kind\": \"start\"}")]
    public void A_malformed_line_gets_a_failure_with_a_null_id_and_the_session_goes_on(string line)
    {
        List<JsonNode?> replies = ToolSession.Run(line, """{"id": 9, "kind": "start"}""")!;

        Assert.Equal(2, replies.Count);
        Assert.Null(replies[0]!["id"]);
        Assert.False((bool)replies[0]!["success"]!);
        Assert.False(string.IsNullOrEmpty((string?)replies[0]!["error"]));
        Assert.Equal(9, (int)replies[1]!["id"]!);
        Assert.Equal("autodiffgen", (string?)replies[1]!["tool"]);
    }

    [Fact]
    public void Blank_lines_are_not_messages()
    {
        List<JsonNode> replies = ToolSession.Run("", "   ", """{"id": 1, "kind": "start"}""", "");

        Assert.Equal(1, (int)Assert.Single(replies)["id"]!);
    }

    [Theory]
    [InlineData("""{"id": 4}""", "'kind'")]
    [InlineData("""{"id": 4, "kind": 3}""", "'kind'")]
    [InlineData("""{"id": 4, "kind": "define"}""", "'module'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "function": "primal", "input": {"x": [1]}}""", "'module'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lse", "input": {"x": [1]}}""", "'function'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lse", "function": "primal"}""", "'input'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lse", "function": "primal", "input": {}}""", "'x'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lse", "function": "primal", "input": [1, 2]}""", "object")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lse", "function": "primal", "input": {"x": [1, "2"]}}""", "x[1]")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "llsq", "function": "primal", "input": {"x": [1, 2]}}""", "'n'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "det", "function": "primal", "input": {"A": [1, 2, 3], "ell": 2}}""", "ell²")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "ode", "function": "primal", "input": {"x": [1, 2], "s": 0}}""", "'s'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lstm", "function": "objective", "input": {"main_params": [[1, 2, 3, 4]]}}""", "'extra_params'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lstm", "function": "objective", "input": {"main_params": [[1, 2, 3, 4]], "extra_params": [[1], [1], [1]], "state": [[1]], "sequence": [[1]]}}""", "layers")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "gmm", "function": "jacobian", "input": {"d": 2, "k": 1, "n": 1, "x": [[1, 2]], "alpha": [0], "mu": [[0, 0]], "q": [[0, 0]], "l": [[0]], "gamma": 1}}""", "'m'")]
    [InlineData("""{"id": 4, "kind": "evaluate", "module": "lse", "function": "primal", "input": {"x": [1], "min_runs": "many"}}""", "min_runs")]
    public void A_missing_or_malformed_field_is_a_failure_that_names_it(string line, string named)
    {
        JsonNode reply = Assert.Single(ToolSession.Run(line));

        Assert.Equal(4, (int)reply["id"]!);
        Assert.False((bool)reply["success"]!);
        Assert.Contains(named, (string?)reply["error"]);
    }

    [Fact]
    public void A_gmm_input_whose_shapes_disagree_with_d_and_k_is_a_failure()
    {
        JsonObject input = Workloads.Input("gmm_d3_k2_n10_m2_gamma0.5.json").AsObject();
        input["alpha"]!.AsArray().RemoveAt(0);

        JsonNode reply = ToolSession.Single(ToolSession.Evaluate(2, "gmm", "objective", input));

        Assert.False((bool)reply["success"]!);
        Assert.Contains("'alpha'", (string?)reply["error"]);
    }

    [Fact]
    public void A_result_that_is_not_a_finite_number_is_a_failure_not_invalid_JSON()
    {
        // The residual is about 1e200, so its square overflows to infinity, which JSON cannot represent.
        JsonNode reply = ToolSession.Single(ToolSession.Evaluate(3, "llsq", "primal", new JsonObject { ["x"] = new JsonArray(1e200), ["n"] = 2 }));

        Assert.Equal(3, (int)reply["id"]!);
        Assert.False((bool)reply["success"]!);
        Assert.Null(reply["output"]);
    }

    [Theory]
    [InlineData("""{"id": 5, "kind": "analysis", "of": 4, "valid": false, "error": "Expected tau, got e."}""")]
    [InlineData("""{"id": 5, "kind": "something-new"}""")]
    public void Any_other_kind_is_answered_with_just_its_id(string line)
    {
        JsonNode reply = Assert.Single(ToolSession.Run(line));

        Assert.Equal("""{"id":5}""", ToolSession.Text(reply));
    }

    [Fact]
    public void Evaluate_runs_at_least_min_runs_times_with_one_timing_each()
    {
        JsonObject message = ToolSession.Evaluate(1, "det", "gradient", Workloads.Input("det_ell5.json"));
        message["input"]!["min_runs"] = 5;

        JsonNode reply = ToolSession.Single(message);

        Assert.True((bool)reply["success"]!);
        Assert.Equal(["warmup", "evaluate", "evaluate", "evaluate", "evaluate", "evaluate"], ToolSession.TimingNames(reply));
    }

    [Fact]
    public void Evaluate_runs_until_the_runs_add_up_to_min_seconds()
    {
        JsonObject message = ToolSession.Evaluate(1, "lse", "gradient", Workloads.Input("lse_n2500.json"));
        message["input"]!["min_seconds"] = 0.02;

        JsonNode reply = ToolSession.Single(message);

        long total = reply["timings"]!.AsArray().Where(t => (string)t!["name"]! == "evaluate").Sum(t => (long)t!["nanoseconds"]!);
        Assert.True(total >= 20_000_000, $"the evaluate timings add up to {total} ns");
    }

    [Fact]
    public void Without_min_runs_and_min_seconds_the_function_runs_once()
    {
        JsonNode reply = ToolSession.Single(JsonNode.Parse("""{"id": 2, "kind": "evaluate", "module": "lse", "function": "primal", "input": {"x": [0, 0]}}""")!);

        Assert.True((bool)reply["success"]!);
        Assert.Equal(System.Math.Log(2), (double)reply["output"]!, 12);
        Assert.Equal(1, ToolSession.TimingNames(reply).Count(name => name == "evaluate"));
    }

    [Fact]
    public void Ids_are_echoed_as_they_were_sent()
    {
        List<JsonNode> replies = ToolSession.Run("""{"id": 123456789012, "kind": "start"}""", """{"id": 2.5, "kind": "analysis"}""");

        Assert.StartsWith("""{"id":123456789012,"tool":"autodiffgen",""", ToolSession.Text(replies[0]), System.StringComparison.Ordinal);
        Assert.Equal("""{"id":2.5}""", ToolSession.Text(replies[1]));
    }
}
