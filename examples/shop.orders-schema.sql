/*!40101 SET NAMES binary*/;
/*!40014 SET FOREIGN_KEY_CHECKS=0*/;

/*!40103 SET TIME_ZONE='+00:00' */;
CREATE TABLE `orders` (
  `id` bigint(20) unsigned NOT NULL,
  `customer_id` int(11) NOT NULL,
  `status` enum('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  `total` decimal(10,2) NOT NULL,
  `placed_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `shipped_at` datetime(3) DEFAULT NULL,
  `note` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `idx_customer` (`customer_id`),
  KEY `idx_placed` (`placed_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
