"""What the worker configs' tests share: the contract's example."""

# The contract's example config (section 6.1), used as a request body.
EXAMPLE_CONFIG = {
    "config_name": "video_worker_config",
    "config_type": "execution",
    "worker_type": "video_generator",
    "config_data": {"max_concurrent": 3, "timeout": 300},
    "description": "视频生成器配置",
    "priority": 10,
    "is_active": True,
}
CONFIG_KEYS = {"id", *EXAMPLE_CONFIG, "created_at", "updated_at"}
