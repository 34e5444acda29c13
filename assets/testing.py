"""What the assets' tests share: the contract's example and a file hash."""

import hashlib

# The contract's example asset (section 3.1), used as a request body.
EXAMPLE_ASSET = {
    "name": "测试视频",
    "description": "这是一个测试视频",
    "asset_type": "video",
    "storage_path": "/storage/videos/test.mp4",
    "asset_metadata": {"resolution": "1920x1080", "fps": 30},
    "duration_seconds": 120.5,
    "source": "ai_generated",
    "visibility": "private",
    "status": "PENDING_ANALYSIS",
}
# Every key of the contract's response example, plus the two optional file fields.
ASSET_KEYS = {
    "id",
    *EXAMPLE_ASSET,
    "created_at",
    "updated_at",
    "file_hash",
    "original_filename",
}


def sha256(content: str) -> str:
    return hashlib.sha256(content.encode()).hexdigest()
