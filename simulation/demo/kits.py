"""Invented but plausible model names per Hub org, so the family rules classify the demo.

Each org has a `Kit`: a licence, a weight (its share of the demo's models: heavy-tailed, the
big developers first) and name groups. A group with `|` is a cartesian product of its
space-separated alternatives (`_` is the empty string): `"Qwen3 | -8B -14B | _ -Instruct"`
gives Qwen3-8B, Qwen3-8B-Instruct, Qwen3-14B, Qwen3-14B-Instruct. A group without `|` is a
list of whole names. Orgs without a kit get `fallback_kit`: community-style finetunes of the
big open families, as many small labs publish. The names imitate naming conventions; they are
not a list of real repositories.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

TAIL_WEIGHT = 0.25


@dataclass(frozen=True)
class Kit:
    license: str
    weight: float
    groups: tuple[str, ...]

    def names(self) -> list[str]:
        names: list[str] = []
        for group in self.groups:
            if "|" in group:
                parts = [[a.replace("_", "") for a in p.split()] for p in group.split("|")]
                names.extend("".join(combo) for combo in itertools.product(*parts))
            else:
                names.extend(group.split())
        return list(dict.fromkeys(names))  # unique, first occurrence order


def kit(license: str, weight: float, *groups: str) -> Kit:
    return Kit(license, weight, groups)


KITS: dict[str, Kit] = {
    "Qwen": kit(
        "apache-2.0",
        12,
        "Qwen3 Qwen2.5 Qwen3.5 Qwen2.5-Coder Qwen3-Coder Qwen2.5-VL Qwen2.5-Math"
        " | -0.5B -1.5B -3B -4B -7B -8B -14B -32B -30B-A3B -72B | _ -Instruct -Base -FP8 -AWQ -GGUF",
        "QwQ-32B QwQ-32B-Preview QVQ-72B-Preview Qwen3-Embedding-0.6B Qwen3-Embedding-8B",
    ),
    "meta-llama": kit(
        "llama3.1",
        6,
        "Llama-3.1 Llama-3.2 Llama-3.3 Meta-Llama-3 Llama-Guard-3 Llama-2 Llama-4-Scout"
        " | -1B -3B -8B -11B-Vision -70B -405B -17B-16E -7b -13b | _ -Instruct -hf",
    ),
    "google": kit(
        "gemma",
        7,
        "gemma-3 gemma-2 gemma-3n codegemma paligemma2 t5gemma | -1b -2b -4b -9b -12b -27b -E4B"
        " | _ -it -pt -qat-q4_0-gguf",
        "flan-t5-small flan-t5-base flan-t5-large flan-t5-xl siglip2-base-patch16-224",
    ),
    "deepseek-ai": kit(
        "mit",
        5,
        "DeepSeek-R1-Distill-Qwen DeepSeek-R1-Distill-Llama deepseek-coder DeepSeek-Coder-V2-Lite"
        " deepseek-llm DeepSeek-V2-Lite | -1.5B -7B -8B -14B -32B -70B -6.7b -33b"
        " | _ -Instruct -Base -Chat",
        "DeepSeek-V3 DeepSeek-V3-0324 DeepSeek-V3.1 DeepSeek-V3.2-Exp DeepSeek-R1 DeepSeek-R1-0528"
        " DeepSeek-Prover-V2-7B DeepSeek-OCR Janus-Pro-7B Janus-Pro-1B",
    ),
    "mistralai": kit(
        "apache-2.0",
        5,
        "Mistral-7B Mistral-Small-24B Mistral-Nemo-12B Ministral-8B Mixtral-8x7B Devstral-Small"
        " Magistral-Small Codestral-22B Pixtral-12B Mistral-Large Voxtral-Mini"
        " | _ -v0.1 -v0.3 -2407 -2501 -2506 | _ -Instruct -Base",
    ),
    "microsoft": kit(
        "mit",
        5,
        "Phi-3-mini Phi-3.5-mini Phi-3-medium phi-4 Phi-4-mini Phi-4-reasoning Phi-4-multimodal"
        " | _ -4k -128k -flash | _ -instruct -plus -onnx",
        "kosmos-2-patch14-224 DialoGPT-medium DialoGPT-large",
    ),
    "nvidia": kit(
        "other",
        4,
        "Llama-3.1-Nemotron Nemotron-H NVIDIA-Nemotron-Nano OpenReasoning-Nemotron"
        " Mistral-NeMo-Minitron | -4B -8B -9B-v2 -12B -32B -49B-v1.5 -70B | _ -Instruct -Base -FP8",
    ),
    "zai-org": kit(
        "mit",
        3,
        "GLM-4 GLM-4.5 GLM-4.5-Air GLM-4.6 GLM-Z1 GLM-4.1V | _ -9B -32B -0414 | _ -chat -FP8 -Base",
    ),
    "moonshotai": kit(
        "modified-mit",
        1.5,
        "Kimi-K2 Kimi-VL-A3B Kimi-Dev-72B Moonlight-16B-A3B Kimi-Linear-48B-A3B Kimi-Audio-7B"
        " | _ -0905 -2506 | _ -Instruct -Thinking -Base",
    ),
    "MiniMaxAI": kit(
        "mit", 1.2, "MiniMax-M1 MiniMax-M2 MiniMax-M2.1 MiniMax-Text-01 MiniMax-VL-01 | _ -40k -80k"
    ),
    "openai": kit(
        "apache-2.0",
        1,
        "gpt-oss-20b gpt-oss-120b whisper-large-v3 whisper-large-v3-turbo whisper-small"
        " whisper-base whisper-tiny whisper-medium clip-vit-base-patch32 clip-vit-large-patch14",
    ),
    "allenai": kit(
        "apache-2.0",
        2,
        "OLMo-2 OLMo-3 Llama-3.1-Tulu-3 Molmo | -1B -7B -8B -13B -32B | _ -Instruct -SFT -DPO -Think",
    ),
    "ibm-granite": kit(
        "apache-2.0",
        2,
        "granite-3.1 granite-3.3 granite-4.0 granite-embedding | -2b -8b -h-small -h-tiny -30m"
        " | _ -instruct -base",
    ),
    "HuggingFaceTB": kit(
        "apache-2.0",
        1.5,
        "SmolLM2 SmolLM3 SmolVLM2 | -135M -360M -1.7B -3B -2.2B | _ -Instruct -Base",
    ),
    "internlm": kit(
        "apache-2.0",
        1.5,
        "internlm2_5 internlm3 internlm2-math Intern-S1 | -1_8b -7b -8b -20b | _ -chat",
    ),
    "OpenGVLab": kit(
        "mit",
        1.5,
        "InternVL3 InternVL2_5 InternVL3_5 | -1B -2B -8B -38B -78B | _ -MPO -AWQ -Instruct",
    ),
    "01-ai": kit("apache-2.0", 1, "Yi-1.5 Yi-Coder Yi | -6B -9B -34B | _ -Chat -32K -16K"),
    "stepfun-ai": kit(
        "apache-2.0",
        1,
        "step3 Step-3.5-Flash Step-Audio-TTS-3B Step-Audio-Chat Step1X-Edit Step1X-3D"
        " stepvideo-t2v stepvideo-ti2v Step-Audio-2-mini",
    ),
    "tencent": kit(
        "other",
        1.5,
        "Hunyuan-7B Hunyuan-A13B Hunyuan-MT-7B Hunyuan-4B Hunyuan-1.8B | _ -Instruct -Pretrain -FP8",
        "HunyuanVideo HunyuanImage-2.1 HunyuanWorld-1",
    ),
    "baidu": kit(
        "apache-2.0",
        1,
        "ERNIE-4.5-0.3B ERNIE-4.5-21B-A3B ERNIE-4.5-300B-A47B ERNIE-4.5-VL-28B-A3B"
        " | _ -PT -Base-PT -Paddle",
    ),
    "BAAI": kit(
        "mit",
        1.5,
        "bge-m3 bge-large-en-v1.5 bge-small-en-v1.5 bge-base-en-v1.5 bge-reranker-v2-m3"
        " bge-reranker-large bge-small-zh-v1.5 bge-large-zh-v1.5",
    ),
    "THUDM": kit(
        "other",
        1,
        "glm-4-9b-chat glm-4-9b chatglm3-6b codegeex4-all-9b cogvlm2-llama3-chat-19B glm-4v-9b",
    ),
    "tiiuae": kit(
        "apache-2.0", 1, "Falcon3 Falcon-H1 falcon | -1B -3B -7B -10B -40b | _ -Instruct -Base"
    ),
    "LGAI-EXAONE": kit(
        "other",
        0.8,
        "EXAONE-3.5 EXAONE-4.0 EXAONE-Deep | -1.2B -2.4B -7.8B -32B | _ -Instruct -AWQ -GGUF",
    ),
    "upstage": kit(
        "apache-2.0", 0.5, "SOLAR-10.7B-v1.0 SOLAR-10.7B-Instruct-v1.0 solar-pro-preview-instruct"
    ),
    # Cohere's org before its 2025 rename: its own models, never other families' fine-tunes
    # (a fallback kit would name them `Qwen2.5-CohereForAI-...`, counted as Qwen).
    "CohereForAI": kit(
        "cc-by-nc-4.0",
        0.3,
        "aya-23-8B aya-23-35B aya-101 c4ai-command-r-v01 c4ai-command-r-plus-08-2024"
        " aya-expanse-8b c4ai-command-r-plus-4bit",
    ),
    "CohereLabs": kit(
        "cc-by-nc-4.0",
        0.8,
        "aya-expanse-8b aya-expanse-32b c4ai-command-r-v01 c4ai-command-r-plus"
        " c4ai-command-a-03-2025 aya-vision-8b aya-vision-32b c4ai-command-r7b-12-2024",
    ),
    "ai21labs": kit(
        "other", 0.5, "AI21-Jamba-Mini-1.6 AI21-Jamba-Large-1.7 Jamba-v0.1 AI21-Jamba-Mini-1.7"
    ),
    "inceptionai": kit("apache-2.0", 0.4, "jais-13b-chat jais-family-6p7b jais-adapted-70b-chat"),
    "LLM360": kit("apache-2.0", 0.4, "K2-Think K2-Chat K2"),
    "XiaomiMiMo": kit(
        "mit", 0.6, "MiMo-7B-RL MiMo-7B-Base MiMo-VL-7B-RL MiMo-7B-SFT MiMo-Audio-7B-Base"
    ),
    "inclusionAI": kit(
        "mit", 0.6, "Ling-lite Ling-mini-2.0 Ring-flash-2.0 Ming-Lite-Omni Ling-1T Ring-1T"
    ),
    "meituan-longcat": kit("mit", 0.4, "LongCat-Flash-Chat LongCat-Flash-Thinking LongCat-Video"),
    "Kwaipilot": kit("apache-2.0", 0.4, "KAT-Dev KAT-V1-40B KAT-Dev-72B-Exp"),
    "rednote-hilab": kit("mit", 0.4, "dots.llm1.inst dots.ocr dots.llm1.base"),
    "Wan-AI": kit(
        "apache-2.0",
        0.6,
        "Wan2.1-T2V-14B Wan2.2-I2V-A14B Wan2.1-T2V-1.3B Wan2.2-TI2V-5B Wan2.1-VACE-14B",
    ),
    "openbmb": kit(
        "apache-2.0", 0.6, "MiniCPM4-8B MiniCPM-V-4_5 MiniCPM3-4B MiniCPM-o-2_6 MiniCPM4-0.5B"
    ),
    "Skywork": kit(
        "other",
        0.5,
        "Skywork-Reward-V2-Llama-3.1-8B Skywork-OR1-32B Skywork-R1V3-38B Skywork-o1-Open-Llama-3.1-8B",
    ),
    "baichuan-inc": kit(
        "other", 0.4, "Baichuan2-7B-Chat Baichuan2-13B-Chat Baichuan-M2-32B Baichuan-7B"
    ),
    "swiss-ai": kit("apache-2.0", 0.4, "Apertus-8B | _ -Instruct | -2509", "Apertus-70B-2509"),
    "BSC-LT": kit("apache-2.0", 0.3, "salamandra-7b salamandra-2b-instruct salamandra-7b-instruct"),
    "speakleash": kit("apache-2.0", 0.3, "Bielik-11B-v2.3-Instruct Bielik-4.5B-v3.0-Instruct"),
    "CYFRAGOVPL": kit("other", 0.3, "Llama-PLLuM-8B-instruct PLLuM-12B-chat PLLuM-12B-nc-chat"),
    "naver-hyperclovax": kit(
        "other", 0.3, "HyperCLOVAX-SEED-Text-Instruct-1.5B HyperCLOVAX-SEED-Think-14B"
    ),
    "kakaocorp": kit("apache-2.0", 0.3, "kanana-1.5-8b-instruct-2505 kanana-nano-2.1b-base"),
    "aisingapore": kit("llama3.1", 0.3, "Llama-SEA-LION-v3-8B-IT Gemma-SEA-LION-v3-9B-IT"),
    "sarvamai": kit("apache-2.0", 0.3, "sarvam-m sarvam-1 sarvam-translate"),
    "ByteDance-Seed": kit(
        "apache-2.0",
        0.6,
        "Seed-OSS-36B-Instruct Seed-Coder-8B-Instruct Seed-X-PPO-7B Seed-Coder-8B-Reasoning",
    ),
    "ServiceNow-AI": kit("mit", 0.3, "Apriel-5B-Instruct Apriel-1.5-15b-Thinker"),
    "LiquidAI": kit("other", 0.5, "LFM2-1.2B LFM2-350M LFM2-VL-1.6B LFM2-8B-A1B LFM2-700M"),
    "PrimeIntellect": kit("apache-2.0", 0.3, "INTELLECT-3 INTELLECT-2 INTELLECT-1-Instruct"),
    "arcee-ai": kit("apache-2.0", 0.4, "Trinity-Mini Trinity-Nano-Preview Trinity-Large-Preview"),
    "Zyphra": kit("apache-2.0", 0.3, "Zamba2-7B Zamba2-2.7B-instruct Zamba2-1.2B"),
    "h2oai": kit(
        "apache-2.0", 0.3, "h2o-danube3-4b-chat h2o-danube2-1.8b-base h2o-danube3-500m-chat"
    ),
    "TinyLlama": kit("apache-2.0", 0.4, "TinyLlama-1.1B-Chat-v1.0 TinyLlama_v1.1"),
    "lmsys": kit("llama2", 0.3, "vicuna-7b-v1.5 vicuna-13b-v1.5"),
    "mosaicml": kit("apache-2.0", 0.3, "mpt-7b mpt-7b-instruct mpt-30b"),
    "databricks": kit("other", 0.3, "dbrx-instruct dbrx-base"),
    "Snowflake": kit(
        "apache-2.0", 0.4, "snowflake-arctic-embed-m snowflake-arctic-instruct arctic-embed-l-v2.0"
    ),
    "EleutherAI": kit(
        "apache-2.0", 0.6, "pythia-70m pythia-1b pythia-6.9b gpt-neo-1.3B gpt-j-6b gpt-neox-20b"
    ),
    "openai-community": kit("mit", 0.8, "gpt2 gpt2-medium gpt2-large gpt2-xl"),
    "google-bert": kit(
        "apache-2.0", 0.8, "bert-base-uncased bert-large-uncased bert-base-multilingual-cased"
    ),
    "FacebookAI": kit("mit", 0.8, "roberta-base roberta-large xlm-roberta-base xlm-roberta-large"),
    "distilbert": kit("apache-2.0", 0.5, "distilbert-base-uncased distilbert-base-cased"),
    "google-t5": kit("apache-2.0", 0.5, "t5-small t5-base t5-large t5-3b"),
    "facebook": kit(
        "mit", 1, "opt-125m opt-1.3b opt-6.7b bart-large-cnn dinov2-base nllb-200-distilled-600M"
    ),
    "stabilityai": kit(
        "other",
        0.6,
        "stablelm-2-1_6b stablelm-zephyr-3b stable-diffusion-xl-base-1.0 stable-diffusion-3.5-large",
    ),
    "black-forest-labs": kit(
        "other", 0.5, "FLUX.1-dev FLUX.1-schnell FLUX.1-Kontext-dev FLUX.2-dev"
    ),
    "codellama": kit("llama2", 0.4, "CodeLlama | -7b -13b -34b | -hf -Instruct-hf -Python-hf"),
    "HuggingFaceM4": kit("apache-2.0", 0.3, "idefics2-8b Idefics3-8B-Llama3 idefics-9b-instruct"),
    "NousResearch": kit(
        "llama3.1",
        0.5,
        "Hermes-3-Llama-3.1-8B Hermes-3-Llama-3.1-70B Nous-Hermes-2-Mixtral-8x7B-DPO"
        " DeepHermes-3-Llama-3-8B-Preview Hermes-4-70B",
    ),
}


def fallback_kit(org: str) -> Kit:
    """A small lab's finetunes of the big open families (`Llama-3.1-<org>-8B-Instruct`)."""
    return kit(
        "apache-2.0",
        TAIL_WEIGHT,
        f"Llama-3.1-{org} Qwen2.5-{org} Mistral-{org} | -1B -7B -8B -13B | _ -Instruct -Chat",
    )


def kit_for(org: str) -> Kit:
    return KITS.get(org) or fallback_kit(org)
