using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AutoDiffGen.GradBench.Evals;

namespace AutoDiffGen.GradBench.Protocol;

/// <summary>
/// The tool's side of GradBench's protocol: every line read is one message, and every message gets one line back with
/// the same <c>id</c>. A bad message gets <c>"success": false</c> and an <c>error</c>; nothing a message says can
/// stop the loop, which ends only when the input does.
/// </summary>
public static class GradBenchTool
{
    /// <summary>The name this tool gives in its response to <c>start</c>.</summary>
    public const string ToolName = "autodiffgen";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    /// <summary>Answers each message line of <paramref name="input"/> on <paramref name="output"/> until the input ends.</summary>
    public static void Run(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            output.Write(Respond(line));
            output.Write('\n');
            // The eval waits for each response before it sends the next message.
            output.Flush();
        }
    }

    /// <summary>The response line (without its newline) to one message line. Never throws.</summary>
    public static string Respond(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            return Failure(null, $"the line is not JSON: {e.Message}");
        }
        using (document)
        {
            JsonElement message = document.RootElement;
            JsonElement? id = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("id", out JsonElement value) ? value : null;
            try
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidInputException("a message must be a JSON object");
                }
                if (id is null)
                {
                    throw new InvalidInputException("the message has no 'id'");
                }
                return Handle(message, id.Value);
            }
            catch (Exception e)
            {
                // A failed evaluation must not end the session: the eval decides what to do next.
                return Failure(id, e is InvalidInputException ? e.Message : $"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    private static string Handle(JsonElement message, JsonElement id)
    {
        if (!message.TryGetProperty("kind", out JsonElement kind) || kind.ValueKind != JsonValueKind.String)
        {
            throw new InvalidInputException("the message has no 'kind' string");
        }
        return kind.GetString() switch
        {
            "start" => Write(id, writer =>
            {
                writer.WriteString("tool", ToolName);
                writer.WriteStartObject("config");
                writer.WriteString("runtime", RuntimeInformation.FrameworkDescription);
                writer.WriteBoolean("multithreaded", false);
                writer.WriteEndObject();
            }),
            "define" => Define(message, id),
            "evaluate" => Evaluate(message, id),
            _ => Write(id, _ => { }),
        };
    }

    private static string Define(JsonElement message, JsonElement id)
    {
        string module = RequiredString(message, "module");
        string? whyNot = EvalModules.WhyNot(module);
        return whyNot is null ? Write(id, writer => writer.WriteBoolean("success", true)) : Failure(id, whyNot);
    }

    private static string Evaluate(JsonElement message, JsonElement id)
    {
        string moduleName = RequiredString(message, "module");
        string functionName = RequiredString(message, "function");
        if (EvalModules.WhyNot(moduleName) is { } whyNot)
        {
            throw new InvalidInputException(whyNot);
        }
        IEvalModule module = EvalModules.Supported[moduleName];
        if (!((IList<string>)module.Functions).Contains(functionName))
        {
            throw new InvalidInputException($"the module '{moduleName}' has no function '{functionName}'; it has {string.Join(", ", module.Functions)}");
        }
        if (!message.TryGetProperty("input", out JsonElement input))
        {
            throw new InvalidInputException("the message has no 'input'");
        }
        int minRuns = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("min_runs", out _) ? JsonInput.Int(input, "min_runs") : 1;
        double minSeconds = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("min_seconds", out _) ? JsonInput.Number(input, "min_seconds") : 0;

        IEvaluation evaluation = module.Prepare(functionName, input);
        // The first run pays for just-in-time compilation; it is reported under its own name, which GradBench does not average.
        long warmup = RunTimer.TimeOnce(evaluation);
        List<long> runs = RunTimer.Measure(evaluation, Math.Max(minRuns, 1), minSeconds);
        return Write(id, writer =>
        {
            writer.WriteBoolean("success", true);
            writer.WritePropertyName("output");
            evaluation.WriteOutput(writer);
            writer.WriteStartArray("timings");
            WriteTiming(writer, "warmup", warmup);
            foreach (long run in runs)
            {
                WriteTiming(writer, "evaluate", run);
            }
            writer.WriteEndArray();
        });
    }

    private static void WriteTiming(Utf8JsonWriter writer, string name, long nanoseconds)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteNumber("nanoseconds", nanoseconds);
        writer.WriteEndObject();
    }

    private static string RequiredString(JsonElement message, string name)
    {
        if (!message.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String)
        {
            throw new InvalidInputException($"the message has no '{name}' string");
        }
        return value.GetString()!;
    }

    private static string Failure(JsonElement? id, string error) => Write(id, writer =>
    {
        writer.WriteBoolean("success", false);
        writer.WriteString("error", error);
    });

    /// <summary>Writes a whole response object into a fresh buffer, so that a failure while writing leaves nothing half-written.</summary>
    private static string Write(JsonElement? id, Action<Utf8JsonWriter> writeFields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id");
            if (id is { } value)
            {
                value.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
            writeFields(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
