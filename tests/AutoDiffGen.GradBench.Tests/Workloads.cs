using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace AutoDiffGen.GradBench.Tests;

/// <summary>The GradBench workload files copied next to the test assembly (see Workloads/README.md).</summary>
internal static class Workloads
{
    /// <summary>The folder that holds the workload files.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Workloads");

    /// <summary>The file names of all workloads.</summary>
    public static IReadOnlyList<string> FileNames() =>
        System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    /// <summary>The parsed workload file <paramref name="fileName"/>.</summary>
    public static JsonObject Load(string fileName) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, fileName)))!.AsObject();

    /// <summary>The input of the workload file <paramref name="fileName"/>.</summary>
    public static JsonNode Input(string fileName) => Load(fileName)["input"]!;

    /// <summary>The two function names of a workload: objective, then derivative.</summary>
    public static IReadOnlyList<string> Functions(JsonObject workload) =>
        workload["functions"]!.AsArray().Select(f => (string)f!).ToList();
}
