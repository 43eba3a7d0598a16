using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;

namespace AutoDiffGen.GradBench.Tests;

/// <summary>
/// Every function of every saved GradBench workload, run through the protocol as GradBench's eval runs it (start,
/// define, evaluate each function, analysis), matches the reference output of GradBench's hand-written C++ tool.
/// </summary>
public sealed class ReferenceTests
{
    /// <summary>The workload files; a test fails if none were copied.</summary>
    public static TheoryData<string> WorkloadFiles => new(Workloads.FileNames());

    [Fact]
    public void All_the_evals_have_saved_workloads()
    {
        HashSet<string> modules = Workloads.FileNames().Select(name => (string)Workloads.Load(name)["module"]!).ToHashSet();

        Assert.Equal(["det", "gmm", "llsq", "lse", "lstm", "ode"], modules.Order());
    }

    [Theory]
    [MemberData(nameof(WorkloadFiles))]
    public void A_scripted_session_matches_the_reference(string fileName)
    {
        JsonObject workload = Workloads.Load(fileName);
        string module = (string)workload["module"]!;
        IReadOnlyList<string> functions = Workloads.Functions(workload);
        JsonNode input = workload["input"]!;

        List<JsonNode> replies = ToolSession.Run(
            new JsonObject { ["id"] = 0, ["kind"] = "start", ["eval"] = module },
            new JsonObject { ["id"] = 1, ["kind"] = "define", ["module"] = module },
            ToolSession.Evaluate(2, module, functions[0], input),
            new JsonObject { ["id"] = 3, ["kind"] = "analysis", ["of"] = 2, ["valid"] = true },
            ToolSession.Evaluate(4, module, functions[1], input),
            new JsonObject { ["id"] = 5, ["kind"] = "analysis", ["of"] = 4, ["valid"] = true });

        Assert.Equal(6, replies.Count);
        Assert.Equal([0, 1, 2, 3, 4, 5], replies.Select(r => (int)r["id"]!));
        Assert.Equal("autodiffgen", (string?)replies[0]["tool"]);
        Assert.True((bool)replies[1]["success"]!);
        Assert.Equal("""{"id":3}""", ToolSession.Text(replies[3]));
        Assert.Equal("""{"id":5}""", ToolSession.Text(replies[5]));
        foreach ((JsonNode reply, string function) in new[] { (replies[2], functions[0]), (replies[4], functions[1]) })
        {
            Assert.True((bool)reply["success"]!, (string?)reply["error"]);
            List<string> mismatches = GradBenchComparison.Mismatches(workload["reference"]![function], reply["output"]);
            Assert.True(mismatches.Count == 0, $"{function}: {mismatches.Count} mismatches, first: {string.Join("; ", mismatches.Take(5))}");
            Assert.Equal(1, ToolSession.TimingNames(reply).Count(name => name == "evaluate"));
            Assert.All(reply["timings"]!.AsArray(), timing => Assert.True((long)timing!["nanoseconds"]! >= 0));
        }
    }
}
