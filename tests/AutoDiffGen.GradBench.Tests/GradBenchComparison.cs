using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutoDiffGen.GradBench.Tests;

/// <summary>
/// GradBench's validator rule (python/gradbench/gradbench/comparison.py): the same JSON shape (arrays of the same
/// length, objects with the same keys), and for every number |actual − expected| / max(1, |actual| + |expected|) ≤
/// the tolerance. Integers and floats compare as numbers, as GradBench's comparison also allows.
/// </summary>
internal static class GradBenchComparison
{
    /// <summary>GradBench's tolerance.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Every place where <paramref name="actual"/> differs from <paramref name="expected"/>.</summary>
    public static List<string> Mismatches(JsonNode? expected, JsonNode? actual, string path = "output")
    {
        var mismatches = new List<string>();
        Compare(expected, actual, path, mismatches);
        return mismatches;
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> mismatches)
    {
        switch (expected)
        {
            case JsonObject expectedObject when actual is JsonObject actualObject:
                foreach (string key in expectedObject.Select(p => p.Key).Union(actualObject.Select(p => p.Key)))
                {
                    if (!actualObject.ContainsKey(key))
                    {
                        mismatches.Add($"{path}.{key} is missing");
                    }
                    else if (!expectedObject.ContainsKey(key))
                    {
                        mismatches.Add($"{path}.{key} is unexpected");
                    }
                    else
                    {
                        Compare(expectedObject[key], actualObject[key], $"{path}.{key}", mismatches);
                    }
                }
                break;
            case JsonArray expectedArray when actual is JsonArray actualArray:
                if (expectedArray.Count != actualArray.Count)
                {
                    mismatches.Add($"{path}: expected {expectedArray.Count} elements, got {actualArray.Count}");
                    break;
                }
                for (int i = 0; i < expectedArray.Count; i++)
                {
                    Compare(expectedArray[i], actualArray[i], $"{path}[{i}]", mismatches);
                }
                break;
            case JsonValue expectedValue when actual is JsonValue actualValue &&
                                              expectedValue.GetValueKind() == JsonValueKind.Number &&
                                              actualValue.GetValueKind() == JsonValueKind.Number:
                double e = expectedValue.GetValue<double>();
                double a = actualValue.GetValue<double>();
                double difference = Math.Abs(a - e) / Math.Max(1, Math.Abs(a) + Math.Abs(e));
                if (!(difference <= Tolerance))
                {
                    mismatches.Add($"{path}: expected {e:R}, got {a:R} (relative difference {difference:E2})");
                }
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    mismatches.Add($"{path}: expected {expected?.ToJsonString() ?? "null"}, got {actual?.ToJsonString() ?? "null"}");
                }
                break;
        }
    }
}
