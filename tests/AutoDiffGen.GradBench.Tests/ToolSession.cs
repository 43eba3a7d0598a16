using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoDiffGen.GradBench.Protocol;

namespace AutoDiffGen.GradBench.Tests;

/// <summary>Runs a scripted session through the tool's protocol loop in-process, as GradBench's eval would drive it.</summary>
internal static class ToolSession
{
    /// <summary>Sends <paramref name="lines"/> (one message each) and returns every reply line, parsed.</summary>
    public static List<JsonNode> Run(params string[] lines)
    {
        using var input = new StringReader(string.Join("\n", lines) + "\n");
        using var output = new StringWriter();
        GradBenchTool.Run(input, output);
        return output.ToString()
            .Split('\n', System.StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!)
            .ToList();
    }

    /// <summary>Sends <paramref name="messages"/>, serialized one per line, and returns the replies.</summary>
    public static List<JsonNode> Run(params JsonNode[] messages) =>
        Run(messages.Select(m => m.ToJsonString()).ToArray());

    /// <summary>The reply to a single message.</summary>
    public static JsonNode Single(JsonNode message) => Assert.Single(Run(message));

    /// <summary>An <c>evaluate</c> message with one run and no minimum time, as the tests use to stay fast.</summary>
    public static JsonObject Evaluate(int id, string module, string function, JsonNode input)
    {
        JsonObject inputWithRuns = input.DeepClone().AsObject();
        inputWithRuns["min_runs"] = 1;
        inputWithRuns["min_seconds"] = 0;
        return new JsonObject
        {
            ["id"] = id,
            ["kind"] = "evaluate",
            ["module"] = module,
            ["function"] = function,
            ["input"] = inputWithRuns,
        };
    }

    /// <summary>The names of the timings in a reply, in order.</summary>
    public static List<string> TimingNames(JsonNode reply) =>
        reply["timings"]!.AsArray().Select(t => (string)t!["name"]!).ToList();

    /// <summary>The reply as compact JSON, for exact comparisons.</summary>
    public static string Text(JsonNode reply) => reply.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
